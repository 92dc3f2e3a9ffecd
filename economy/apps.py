from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomyConfig(AppConfig):
    name = "economy"
    verbose_name = _("Productive economy (KBO/BCE)")

    def ready(self):
        from core.registry import NavEntry, navigation

        navigation.register(
            NavEntry(
                "economy",
                _("Productive economy"),
                "economy:overview",
                order=70,
                app_names=("economy",),
            )
        )
