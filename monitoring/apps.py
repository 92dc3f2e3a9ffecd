from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Implementation monitoring")

    def ready(self):
        from core.registry import NavEntry, Panel, navigation, panels

        navigation.register(
            NavEntry(
                "monitoring",
                _("Implementation"),
                "monitoring:dashboard",
                order=50,
                app_names=("monitoring",),
            )
        )
        navigation.register(
            NavEntry(
                "monitoring-workspace",
                _("My reporting"),
                "monitoring:workspace",
                order=10,
                area="user",
                visible=lambda user: bool(user and user.is_authenticated),
            )
        )
        # On the plan's measure page: the validated status and timeline, then the comments.
        panels.register(
            "measure.main", Panel("monitoring-status", "monitoring/panel_measure.html", order=10)
        )
        panels.register(
            "measure.related",
            Panel("monitoring-comments", "monitoring/comments_thread.html", order=50),
        )
