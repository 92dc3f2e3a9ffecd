"""Abstract bases shared by the domain apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.text import translated


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """A row with an edit counter, so a stale edit form can be refused instead of overwriting."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk:
            self.version = (self.version or 0) + 1
        super().save(*args, **kwargs)


class TranslatedMixin:
    """Gives `obj.tr("title")`: the field in the active language, Dutch as fallback."""

    def tr(self, field: str, lang: str | None = None) -> str:
        return translated(self, field, lang)
