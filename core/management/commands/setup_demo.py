import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the demo administrator (never under production settings) and print its login."

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_ACCOUNTS_ALLOWED", False):
            raise CommandError("Demo accounts are not allowed under these settings.")
        password = os.environ.get("BRUPROD_DEMO_PASSWORD") or secrets.token_urlsafe(12)
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username="demo-admin", defaults={"email": "demo-admin@example.org"}
        )
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo administrator {'created' if created else 'updated'}: user 'demo-admin', password '{password}'"
                " (set BRUPROD_DEMO_PASSWORD to choose it). Admin: http://127.0.0.1:8000/admin/"
            )
        )
