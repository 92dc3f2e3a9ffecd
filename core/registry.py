"""Plug-in points: apps contribute panels to pages of other apps, and entries to the navigation,
from their AppConfig.ready() — so that no app names another in its templates or views.

    # monitoring/apps.py
    def ready(self):
        from core.registry import NavEntry, Panel, navigation, panels
        panels.register("measure.main", Panel("monitoring-status", "monitoring/panel_measure.html", order=10))
        navigation.register(NavEntry("monitoring", _("Implementation"), "monitoring:dashboard", order=50))

An app offers a function to apps below it (which must not import it) as a named provider, and
says where each role's work is (the page a user of that role lands on after logging in):

        providers.register("measure.status", measure_status_current)   # plan's pages call it
        landing.register("coordinator", "monitoring:workspace")

A page renders a slot with `{% panels "measure.main" as items %}{% for p in items %}{% include p.template %}{% endfor %}`
(the panel's template sees the page's context: `measure`, `request`, `user`). The base template
renders `navigation` through the `navigation` context processor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Panel:
    """A block one app shows on another app's page, in a named slot."""

    key: str
    template: str
    order: int = 100
    # Optional: (request, obj) -> bool; the panel is left out when it returns False.
    visible: Callable | None = None


@dataclass(frozen=True)
class NavEntry:
    """A link in the site navigation ('main') or the account navigation ('user')."""

    key: str
    label: str
    url_name: str
    order: int = 100
    area: str = "main"
    # The entry is 'current' when the resolved view's app namespace is one of these, or its url
    # name is one of `url_names` (namespace:name).
    app_names: tuple[str, ...] = ()
    url_names: tuple[str, ...] = ()
    # Optional: (user) -> bool; the entry is hidden when it returns False.
    visible: Callable | None = None

    def is_current(self, match) -> bool:
        if match is None:
            return False
        if match.app_name and match.app_name in self.app_names:
            return True
        return match.view_name in self.url_names


@dataclass
class PanelRegistry:
    _slots: dict[str, dict[str, Panel]] = field(default_factory=dict)

    def register(self, slot: str, panel: Panel) -> None:
        """Add (or replace, by key) a panel in a slot; idempotent, so ready() may run twice."""
        self._slots.setdefault(slot, {})[panel.key] = panel

    def for_slot(self, slot: str, *, request=None, obj=None) -> list[Panel]:
        items = sorted(self._slots.get(slot, {}).values(), key=lambda p: (p.order, p.key))
        return [p for p in items if p.visible is None or p.visible(request, obj)]


@dataclass
class NavigationRegistry:
    _entries: dict[str, NavEntry] = field(default_factory=dict)

    def register(self, entry: NavEntry) -> None:
        self._entries[entry.key] = entry

    def entries(self, *, area: str = "main", user=None) -> list[NavEntry]:
        items = sorted(
            (e for e in self._entries.values() if e.area == area), key=lambda e: (e.order, e.key)
        )
        return [e for e in items if e.visible is None or e.visible(user)]


@dataclass
class ProviderRegistry:
    """Named functions an app offers to the apps that may not import it (e.g. plan asking
    monitoring where a measure stands). A missing provider is not an error: callers get None."""

    _providers: dict[str, Callable] = field(default_factory=dict)

    def register(self, name: str, func: Callable) -> None:
        self._providers[name] = func

    def get(self, name: str) -> Callable | None:
        return self._providers.get(name)

    def call(self, name: str, *args, **kwargs):
        func = self._providers.get(name)
        return func(*args, **kwargs) if func is not None else None


@dataclass
class LandingRegistry:
    """Role → the url name of the page where that role's work is (the page after logging in)."""

    _pages: dict[str, str] = field(default_factory=dict)

    def register(self, role: str, url_name: str) -> None:
        self._pages[role] = url_name

    def url_name(self, role: str | None) -> str | None:
        return self._pages.get(role) if role else None


panels = PanelRegistry()
navigation = NavigationRegistry()
providers = ProviderRegistry()
landing = LandingRegistry()
