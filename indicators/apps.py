from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Boordtabel (steering indicators)")

    def ready(self):
        from core.registry import NavEntry, navigation

        navigation.register(
            NavEntry(
                "indicators",
                _("Steering dashboard"),
                "indicators:overview",
                order=60,
                app_names=("indicators",),
            )
        )
