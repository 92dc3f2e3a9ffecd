from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from accounts import access


class Command(BaseCommand):
    help = "Create (or, with --reset, replace) the API token with which a reporter submits reports through /api/v1/reports/."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="replace an existing token (the old one stops working)",
        )

    def handle(self, *args, username, reset, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        if not access.can_use_workspace(user):
            raise CommandError(
                f"{username} has no role in the plan's monitoring; give the account a profile first."
            )
        if reset:
            Token.objects.filter(user=user).delete()
        token, created = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
        if not created:
            self.stderr.write("(existing token; use --reset to replace it)")
