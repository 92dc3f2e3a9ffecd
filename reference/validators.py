"""Validators for fields that hold a code of the shared vocabulary."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_sector_code(value: str) -> None:
    """A sector code known to the reference vocabulary (data/reference/sectors.yaml)."""
    from .models import Sector

    if not Sector.objects.filter(slug=value).exists():
        raise ValidationError(
            _("%(value)s is not a sector code of the reference vocabulary."),
            params={"value": value},
            code="unknown_sector",
        )
