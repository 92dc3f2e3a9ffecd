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

    args = sys.argv[1:]
    # `bruprod load-plan` and `bruprod load_plan` are the same command.
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["bruprod", *args])


if __name__ == "__main__":
    main()
