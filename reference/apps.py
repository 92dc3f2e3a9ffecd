from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    """Shared vocabulary low in the layers: sectors and organisations, used by every domain app."""

    name = "reference"
    verbose_name = _("Reference vocabulary")
