from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategiesConfig(AppConfig):
    name = "strategies"
    verbose_name = _("Related strategies and positions")

    def ready(self):
        from core.registry import NavEntry, Panel, navigation, panels

        navigation.register(
            NavEntry(
                "strategies",
                _("Strategies and positions"),
                "strategies:list",
                order=80,
                app_names=("strategies",),
            )
        )
        panels.register(
            "measure.related", Panel("strategies-items", "strategies/panel_measure.html", order=40)
        )
