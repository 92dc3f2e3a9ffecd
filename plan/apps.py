from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "plan"
    verbose_name = _("Industrial Plan")

    def ready(self):
        from core.registry import NavEntry, navigation

        for entry in (
            NavEntry("plan-home", _("Overview"), "plan:home", order=10, url_names=("plan:home",)),
            NavEntry(
                "plan-tree",
                _("The plan"),
                "plan:tree",
                order=20,
                url_names=("plan:tree", "plan:node"),
            ),
            NavEntry(
                "plan-measures",
                _("Measures"),
                "plan:measures",
                order=30,
                url_names=("plan:measures", "plan:measure"),
            ),
            NavEntry(
                "plan-organisations",
                _("Organisations"),
                "plan:organisations",
                order=40,
                url_names=("plan:organisations", "plan:organisation"),
            ),
        ):
            navigation.register(entry)
