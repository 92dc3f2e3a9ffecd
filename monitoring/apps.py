from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Implementation monitoring")

    def ready(self):
        from accounts import access
        from accounts.models import Role
        from core.registry import NavEntry, Panel, landing, navigation, panels, providers

        from .presenters import measure_status_current

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
                visible=lambda user: (
                    bool(user and user.is_authenticated) and access.can_report(user)
                ),
            )
        )
        navigation.register(
            NavEntry(
                "monitoring-internal",
                _("Internal dashboard"),
                "monitoring:dashboard_internal",
                order=20,
                area="user",
                url_names=("monitoring:dashboard_internal",),
                visible=lambda user: (
                    bool(user and user.is_authenticated)
                    and access.can_view_internal(user)
                    and not access.can_report(user)
                ),
            )
        )
        # After logging in, each role lands where its work is.
        for role in (Role.COORDINATOR, Role.TASKFORCE, Role.ADMIN):
            landing.register(role, "monitoring:workspace")
        for role in (Role.STEERING, Role.COMMISSION):
            landing.register(role, "monitoring:dashboard_internal")
        # The plan's pages show where a measure stands now through this provider.
        providers.register("measure.status", measure_status_current)
        # The home page leads with where the plan stands (validated data).
        panels.register("home.status", Panel("monitoring-home", "monitoring/panel_home.html"))
        # On the plan's measure page: the validated status and timeline, then the comments.
        panels.register(
            "measure.main", Panel("monitoring-status", "monitoring/panel_measure.html", order=10)
        )
        panels.register(
            "measure.related",
            Panel("monitoring-comments", "monitoring/comments_thread.html", order=50),
        )
