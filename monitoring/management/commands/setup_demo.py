from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from monitoring.demo import DEMO_ACCOUNTS, demo_accounts_setup, demo_history_setup, demo_password
from monitoring.services import periods_close_after_days, periods_close_past


class Command(BaseCommand):
    help = "Create one demo account per role and a labelled demo history of reports (never in production)."

    def add_arguments(self, parser):
        parser.add_argument("--no-history", action="store_true", help="only the accounts")

    def handle(self, *args, no_history, **options):
        if not getattr(settings, "DEMO_ACCOUNTS_ALLOWED", False):
            raise CommandError("Demo accounts are not allowed under these settings.")
        password = demo_password()
        demo_accounts_setup(password=password)
        if not no_history:
            counts = demo_history_setup()
            self.stdout.write(
                f"Demo history: {counts['reports']} reports, {counts['milestones']} milestones (labelled [DEMO])."
            )
            # The demo history fills the past periods first; then they close as every night.
            periods_close_past(today=timezone.localdate(), after_days=periods_close_after_days())
        roles = ", ".join(name for name, _role, _org in DEMO_ACCOUNTS)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo accounts: {roles} — password '{password}' (set BRUPROD_DEMO_PASSWORD to choose it).\n"
                "Log in at http://127.0.0.1:8000/nl/accounts/login/ (admin: /nl/admin/)."
            )
        )
