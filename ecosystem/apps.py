from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcosystemConfig(AppConfig):
    name = "ecosystem"
    verbose_name = _("Ecosystem map")

    def ready(self):
        from core.registry import NavEntry, Panel, navigation, panels

        navigation.register(
            NavEntry(
                "ecosystem",
                _("Ecosystem map"),
                "ecosystem:index",
                order=75,
                app_names=("ecosystem",),
            )
        )
        panels.register(
            "measure.related", Panel("ecosystem-actors", "ecosystem/panel_measure.html", order=50)
        )
