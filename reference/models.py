"""Shared vocabulary of Bruprod: the one sector list and the organisations.

Every app — plan, monitoring, indicators, economy and the instruments built on them — uses these
rows; no other sector list exists. The tables were created by the plan app (ids and history are
kept: see migrations 0001–0002 and docs/adr/0002-reference-app.md).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel, TranslatedMixin, VersionedModel
from core.text import fold


class SectorQuerySet(models.QuerySet):
    def ecosystems(self):
        """The plan's five sector ecosystems (chapter 5), in the plan's order."""
        return self.filter(kind=Sector.Kind.ECOSYSTEM)

    def groupings(self):
        return self.filter(kind=Sector.Kind.GROUPING)


class Sector(TranslatedMixin, models.Model):
    """A sector of the productive economy: one of the plan's five ecosystems (chapter 5), or one of
    the further groupings of the plan's Table 1 (circular economy and repair, digital industries).

    `name_*` is the name as the plan prints it; `short_*` the compact name every page, chart and
    export uses (`label()`).
    """

    class Kind(models.TextChoices):
        ECOSYSTEM = "ecosystem", _("Sector ecosystem of the plan (chapter 5)")
        GROUPING = "grouping", _("Further grouping of the plan's Table 1")

    slug = models.SlugField(_("code"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ECOSYSTEM)
    code_prefix = models.CharField(_("measure code prefix"), max_length=4, blank=True)
    name_nl = models.CharField(_("name (nl)"), max_length=200)
    name_fr = models.CharField(_("name (fr)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (en)"), max_length=200, blank=True)
    short_nl = models.CharField(_("short name (nl)"), max_length=100, blank=True)
    short_fr = models.CharField(_("short name (fr)"), max_length=100, blank=True)
    short_en = models.CharField(_("short name (en)"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    objects = SectorQuerySet.as_manager()

    class Meta:
        ordering = ["order"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return self.name_nl

    def label(self, lang: str | None = None) -> str:
        """The compact name in the active (or given) language; the printed name as fallback."""
        return self.tr("short", lang) or self.tr("name", lang)

    @property
    def is_ecosystem(self) -> bool:
        return self.kind == self.Kind.ECOSYSTEM


class Organisation(TranslatedMixin, VersionedModel, TimeStampedModel):
    """A body of the productive ecosystem: coordinator, partner, cluster, research centre, …"""

    class Type(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        ADMINISTRATION = "administration", _("Administration")
        PUBLIC_AGENCY = "public_agency", _("Public agency")
        PUBLIC_COMPANY = "public_company", _("Public company")
        CLUSTER = "cluster", _("Cluster")
        INCUBATOR = "incubator", _("Incubator")
        RESEARCH_CENTRE = "research_centre", _("Research centre")
        UNIVERSITY = "university", _("University or college")
        TRAINING_CENTRE = "training_centre", _("Training centre")
        FEDERATION = "federation", _("Sector federation")
        SOCIAL_PARTNER = "social_partner", _("Social partner")
        NETWORK = "network", _("Network or platform")
        COMPANY = "company", _("Company")
        FUND = "fund", _("Fund")
        TO_BE_CREATED = "to_be_created", _("To be created or determined")
        OTHER = "other", _("Other")

    slug = models.SlugField(_("slug"), unique=True, max_length=80)
    name_nl = models.CharField(_("name (nl)"), max_length=300)
    name_fr = models.CharField(_("name (fr)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (en)"), max_length=300, blank=True)
    acronym = models.CharField(_("acronym"), max_length=60, blank=True)
    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    website = models.URLField(_("website"), blank=True)
    description_nl = models.TextField(_("description (nl)"), blank=True)
    description_fr = models.TextField(_("description (fr)"), blank=True)
    description_en = models.TextField(_("description (en)"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name_nl"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name_nl


class OrganisationAlias(models.Model):
    """A form in which the plan prints an organisation's name ('Hub.brussels', 'HUB.Brussels')."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="aliases",
        verbose_name=_("organisation"),
    )
    printed = models.CharField(_("printed form"), max_length=300, unique=True)
    folded = models.CharField(_("search key"), max_length=300, db_index=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["printed"]
        verbose_name = _("printed form")
        verbose_name_plural = _("printed forms")

    def __str__(self):
        return self.printed

    def save(self, *args, **kwargs):
        self.folded = fold(self.printed)
        super().save(*args, **kwargs)
