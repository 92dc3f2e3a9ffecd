"""Productive economy (KBO/BCE): snapshots of the enterprise register, their figures, the
NACE → plan sector mapping, per-enterprise classification overrides and the import ledger.

The register itself lives in the analytic store (DuckDB files under BRUPROD_DATA_DIR/kbo/, see
economy/kbo_store.py); the database holds what the pages and the boordtabel read.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel, VersionedModel
from reference.validators import validate_sector_code


class Scope(models.TextChoices):
    CORE = "core", _("Core")
    EXTENDED = "extended", _("Extended")


class SectorMapping(TimeStampedModel):
    """One version of the NACE → plan sector mapping; the active one classifies the register."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    sources = models.JSONField(_("sources"), default=list)
    is_active = models.BooleanField(_("active"), default=False)
    loaded_from = models.CharField(_("loaded from"), max_length=300, blank=True)
    checksum = models.CharField(_("checksum (sha256)"), max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sector mapping")
        verbose_name_plural = _("sector mappings")

    def __str__(self):
        return f"{self.version} – {self.title}"


class SectorRule(models.Model):
    """A NACE code prefix (in one NACE version) that puts an activity in a plan sector."""

    mapping = models.ForeignKey(
        SectorMapping, on_delete=models.CASCADE, related_name="rules", verbose_name=_("mapping")
    )
    nace_version = models.CharField(
        _("NACE version"), max_length=4, help_text=_("2025, 2008 or 2003.")
    )
    prefix = models.CharField(
        _("NACE code prefix"),
        max_length=7,
        help_text=_("Digits only, 2 to 7 long: '10' is a division, '1071' a class."),
    )
    sector = models.CharField(
        _("sector"),
        max_length=20,
        validators=[validate_sector_code],
        help_text=_("A sector code of the reference vocabulary (reference.Sector)."),
    )
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.CORE)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sector", "nace_version", "prefix"]
        constraints = [
            models.UniqueConstraint(
                fields=["mapping", "nace_version", "prefix", "sector"], name="unique_sector_rule"
            )
        ]
        verbose_name = _("sector rule")
        verbose_name_plural = _("sector rules")

    def __str__(self):
        return f"NACE {self.nace_version} {self.prefix} → {self.sector} ({self.scope})"


class ClassificationOverride(VersionedModel, TimeStampedModel):
    """An editor's classification of one enterprise, replacing the one its NACE codes give.

    An empty list of sectors means: in none of the plan's sectors.
    """

    enterprise_number = models.CharField(_("enterprise number"), max_length=12, unique=True)
    sectors = models.JSONField(_("sectors"), default=list)
    reason = models.TextField(_("reason"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["enterprise_number"]
        verbose_name = _("classification override")
        verbose_name_plural = _("classification overrides")

    def __str__(self):
        return f"{self.enterprise_number}: {', '.join(self.sectors) or '–'}"


class KboSnapshot(models.Model):
    """One state of the register, dated by meta.csv; the latest one is the current one."""

    extract_number = models.PositiveIntegerField(_("extract number"), unique=True)
    extract_type = models.CharField(_("extract type"), max_length=10)
    snapshot_date = models.DateField(_("snapshot date"))
    extract_timestamp = models.DateTimeField(_("extract timestamp"), null=True, blank=True)
    store = models.CharField(
        _("store folder"), max_length=200, help_text=_("Folder under BRUPROD_DATA_DIR/kbo/.")
    )
    synthetic = models.BooleanField(_("synthetic data"), default=False)
    mapping_version = models.CharField(_("mapping version"), max_length=40, blank=True)
    figures_computed_at = models.DateTimeField(_("figures computed at"), null=True, blank=True)
    counts = models.JSONField(_("row counts"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-extract_number"]
        get_latest_by = "extract_number"
        verbose_name = _("KBO snapshot")
        verbose_name_plural = _("KBO snapshots")

    def __str__(self):
        return f"{self.extract_number} ({self.snapshot_date:%d-%m-%Y})"

    @property
    def source_label(self) -> str:
        label = f"KBO open data, snapshot {self.snapshot_date:%d-%m-%Y}"
        return f"{label} (synthetic)" if self.synthetic else label


class KboFigure(models.Model):
    """One number of a snapshot: a measure, broken down by up to four dimensions.

    An empty dimension is the total over it. `key` holds the measure's own breakdown (a year,
    a NACE section letter, an activity kind, a reason).
    """

    snapshot = models.ForeignKey(
        KboSnapshot, on_delete=models.CASCADE, related_name="figures", verbose_name=_("snapshot")
    )
    measure = models.CharField(_("measure"), max_length=40)
    sector = models.CharField(_("sector"), max_length=20, blank=True)
    municipality = models.CharField(_("municipality"), max_length=10, blank=True)
    person_type = models.CharField(_("person type"), max_length=10, blank=True)
    key = models.CharField(_("key"), max_length=20, blank=True)
    value = models.BigIntegerField(_("value"))

    class Meta:
        indexes = [models.Index(fields=["snapshot", "measure"], name="kbofigure_snapshot_measure")]
        verbose_name = _("KBO figure")
        verbose_name_plural = _("KBO figures")

    def __str__(self):
        return f"{self.measure} {self.sector}/{self.municipality}/{self.person_type}/{self.key} = {self.value}"


class KboImport(models.Model):
    """Ledger: one row per imported publication (Full or Update), with its files."""

    snapshot = models.OneToOneField(
        KboSnapshot,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ledger",
        verbose_name=_("snapshot"),
    )
    extract_number = models.PositiveIntegerField(_("extract number"))
    extract_type = models.CharField(_("extract type"), max_length=10)
    snapshot_date = models.DateField(_("snapshot date"))
    source = models.CharField(_("source"), max_length=300)
    checksum = models.CharField(_("checksum (sha256)"), max_length=64)
    files = models.JSONField(_("files"), default=dict, help_text=_("Per file: rows and sha256."))
    rows = models.BigIntegerField(_("rows read"), default=0)
    duration_seconds = models.FloatField(_("duration (s)"))
    steps = models.JSONField(_("step durations (s)"), default=dict)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.CharField(_("imported by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("KBO import")
        verbose_name_plural = _("KBO imports")

    def __str__(self):
        return f"{self.extract_type} {self.extract_number} ({self.snapshot_date:%d-%m-%Y})"
