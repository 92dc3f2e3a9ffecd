"""The boordtabel: steering indicators, their baselines and targets, and their observations.

An indicator is registered once (code, names, unit, direction, source, links to the plan); its
observations are tidy rows (period, value, disaggregation values) that carry the release (vintage)
they came from, so a revision adds rows and never erases the figures published before.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel, TranslatedMixin, VersionedModel


class Disaggregation(TranslatedMixin, models.Model):
    """A dimension an indicator can be broken down by: sector, municipality, sex, age band, …"""

    code = models.SlugField(_("code"), unique=True, max_length=40)
    name_nl = models.CharField(_("name (nl)"), max_length=200)
    name_fr = models.CharField(_("name (fr)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (en)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("disaggregation")
        verbose_name_plural = _("disaggregations")

    def __str__(self):
        return self.code


class DisaggregationValue(TranslatedMixin, models.Model):
    """One value of a disaggregation (e.g. sector 'construction'), optionally a plan sector."""

    disaggregation = models.ForeignKey(
        Disaggregation,
        on_delete=models.CASCADE,
        related_name="values",
        verbose_name=_("disaggregation"),
    )
    code = models.CharField(_("code"), max_length=60)
    label_nl = models.CharField(_("label (nl)"), max_length=200)
    label_fr = models.CharField(_("label (fr)"), max_length=200, blank=True)
    label_en = models.CharField(_("label (en)"), max_length=200, blank=True)
    note_nl = models.TextField(_("note (nl)"), blank=True)
    note_fr = models.TextField(_("note (fr)"), blank=True)
    note_en = models.TextField(_("note (en)"), blank=True)
    sector = models.ForeignKey(
        "reference.Sector",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicator_values",
        verbose_name=_("plan sector"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["disaggregation", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["disaggregation", "code"], name="unique_disaggregation_value"
            )
        ]
        verbose_name = _("disaggregation value")
        verbose_name_plural = _("disaggregation values")

    def __str__(self):
        return f"{self.disaggregation.code}={self.code}"

    def display_label(self, lang: str | None = None) -> str:
        """The name shown on pages: a plan sector's name from the one vocabulary (reference),
        else the value's own label. (Table 1 keeps the labels as the plan prints them.)"""
        if self.sector_id:
            return self.sector.label(lang)
        return self.tr("label", lang)


class SourceDocument(TranslatedMixin, models.Model):
    """A document quantified statements are taken from (the plan, a memorandum, a press release)."""

    key = models.SlugField(_("key"), unique=True, max_length=80)
    title_nl = models.CharField(_("title (nl)"), max_length=300)
    title_fr = models.CharField(_("title (fr)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (en)"), max_length=300, blank=True)
    author = models.CharField(_("author"), max_length=300, blank=True)
    date = models.CharField(_("date"), max_length=20, blank=True)
    seed = models.CharField(_("source text file"), max_length=100, blank=True)
    strategy_slug = models.SlugField(_("related strategy document"), max_length=120, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")

    def __str__(self):
        return self.key


class Indicator(TranslatedMixin, VersionedModel, TimeStampedModel):
    class Kind(models.TextChoices):
        REALISATION = "realisation", _("Realisation indicator")
        RESULT = "result", _("Result indicator")
        CONTEXT = "context", _("Context indicator")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")
        NEUTRAL = "neutral", _("No direction (context figure)")

    class Unit(models.TextChoices):
        JOBS = "jobs", _("jobs")
        PERCENT = "percent", _("%")
        # xgettext:no-python-format
        PERCENT_CHANGE = "percent_change", _("% change")
        COUNT = "count", _("number")
        TRANSPORTS_PER_WEEK = "transports_per_week", _("transports per week")
        GWH = "gwh", _("GWh")
        ENTERPRISES = "enterprises", _("enterprises")
        ESTABLISHMENTS = "establishments", _("establishments")

    class Frequency(models.TextChoices):
        ANNUAL = "annual", _("Annual")
        QUARTERLY = "quarterly", _("Quarterly")
        MONTHLY = "monthly", _("Monthly")
        IRREGULAR = "irregular", _("Irregular or one-off")
        LIVE = "live", _("Computed live")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (nl)"), max_length=300)
    name_fr = models.CharField(_("name (fr)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (en)"), max_length=300, blank=True)
    definition_nl = models.TextField(_("definition (nl)"), blank=True)
    definition_fr = models.TextField(_("definition (fr)"), blank=True)
    definition_en = models.TextField(_("definition (en)"), blank=True)
    unit = models.CharField(_("unit"), max_length=30, choices=Unit.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    source_organisation = models.CharField(_("source organisation"), max_length=300, blank=True)
    source_dataset = models.CharField(_("source dataset"), max_length=300, blank=True)
    frequency = models.CharField(_("frequency"), max_length=20, choices=Frequency.choices)
    disaggregations = models.ManyToManyField(
        Disaggregation, blank=True, related_name="indicators", verbose_name=_("disaggregations")
    )
    plan_nodes = models.ManyToManyField(
        "plan.PlanNode",
        blank=True,
        related_name="indicators",
        verbose_name=_("challenges, visions and pillars"),
    )
    sectors = models.ManyToManyField(
        "reference.Sector", blank=True, related_name="indicators", verbose_name=_("sectors")
    )
    measures = models.ManyToManyField(
        "plan.Measure", blank=True, related_name="indicators", verbose_name=_("measures")
    )
    owner = models.ForeignKey(
        "reference.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_indicators",
        verbose_name=_("owner"),
    )
    method_nl = models.TextField(_("method notes (nl)"), blank=True)
    method_fr = models.TextField(_("method notes (fr)"), blank=True)
    method_en = models.TextField(_("method notes (en)"), blank=True)
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    citation = models.TextField(_("citation"), blank=True)
    sources = models.JSONField(
        _("sources"),
        default=list,
        blank=True,
        help_text=_("Where each figure is printed: document, section and line."),
    )
    baseline_period = models.CharField(_("baseline period"), max_length=20, blank=True)
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    progress_thresholds = models.JSONField(
        _("progress thresholds (overrides)"), default=dict, blank=True
    )
    headline = models.JSONField(
        _("headline series"),
        default=dict,
        blank=True,
        help_text=_("Disaggregation values of the series shown first; empty for the total."),
    )
    quirks = models.JSONField(_("document quirks"), default=list, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords(m2m_fields=[disaggregations, plan_nodes, sectors, measures])

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return f"{self.code} {self.name_nl}"[:120]


class Target(TranslatedMixin, models.Model):
    """A milestone: the value to reach by a period (several per indicator allowed)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    period = models.CharField(
        _("period"), max_length=20, blank=True, help_text=_("Empty for a norm without deadline.")
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6)
    label_nl = models.CharField(_("label (nl)"), max_length=300, blank=True)
    label_fr = models.CharField(_("label (fr)"), max_length=300, blank=True)
    label_en = models.CharField(_("label (en)"), max_length=300, blank=True)
    counts_for_status = models.BooleanField(
        _("counts for the status"),
        default=True,
        help_text=_("Off for a figure put forward by others (e.g. a federation's demand)."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "order"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period", "value"], name="unique_target")
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self):
        return f"{self.indicator.code} {self.period or '–'}: {self.value}"


class ObservationQuerySet(models.QuerySet):
    def totals(self):
        return self.filter(disaggregation_key="")


class Observation(models.Model):
    """One figure: indicator × period × disaggregation values × release (vintage)."""

    class Status(models.TextChoices):
        FINAL = "final", _("Final")
        PROVISIONAL = "provisional", _("Provisional")

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="observations",
        verbose_name=_("indicator"),
    )
    period = models.CharField(_("period"), max_length=20)
    period_time = models.FloatField(_("period as a year"), editable=False)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6)
    printed = models.CharField(_("as printed"), max_length=60, blank=True)
    disaggregation = models.JSONField(_("disaggregation values"), default=dict, blank=True)
    disaggregation_key = models.CharField(
        _("disaggregation key"), max_length=300, blank=True, db_index=True, editable=False
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.FINAL
    )
    source_note = models.TextField(_("source note"), blank=True)
    vintage = models.CharField(
        _("vintage (release)"), max_length=10, help_text=_("YYYY, YYYY-MM or YYYY-MM-DD")
    )
    imported_from = models.CharField(_("imported from"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ObservationQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "disaggregation_key", "period_time", "vintage"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "disaggregation_key", "vintage"],
                name="unique_observation_per_vintage",
            )
        ]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")

    def __str__(self):
        key = f" [{self.disaggregation_key}]" if self.disaggregation_key else ""
        return f"{self.indicator.code} {self.period}{key} = {self.value} ({self.vintage})"


class ObservationImport(models.Model):
    """Ledger of observation imports: which file, its checksum, when, by whom, what changed."""

    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.CharField(_("imported by"), max_length=150, blank=True)
    file_name = models.CharField(_("file"), max_length=300)
    checksum = models.CharField(_("checksum (sha256)"), max_length=64)
    counts = models.JSONField(_("counts"), default=dict)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("observation import")
        verbose_name_plural = _("observation imports")

    def __str__(self):
        return f"{self.imported_at:%Y-%m-%d %H:%M} {self.file_name}"
