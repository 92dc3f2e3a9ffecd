"""The `bruprod` console command: Django's management commands with Bruprod's settings."""

import os
import sys


def main() -> None:
    """Run a management command; production settings when BRUPROD_ENV=production."""
    default = (
        "config.settings.production"
        if os.environ.get("BRUPROD_ENV") == "production"
        else "config.settings.local"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["bruprod", *sys.argv[1:]])


if __name__ == "__main__":
    main()
