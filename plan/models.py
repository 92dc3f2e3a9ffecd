"""The Industrial Plan 2019 as data: its structure, measures, organisations and vocabulary.

Content fields that users read exist in nl (the original), fr and en; the French and English
texts are Bruprod's unofficial translations until an editor marks the official French text.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel, TranslatedMixin, VersionedModel
from reference.models import Organisation, Sector


class PlanEdition(TranslatedMixin, TimeStampedModel):
    slug = models.SlugField(_("slug"), unique=True)
    title_nl = models.CharField(_("title (nl)"), max_length=300)
    title_fr = models.CharField(_("title (fr)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (en)"), max_length=300, blank=True)
    adopted = models.CharField(
        _("adopted"), max_length=20, help_text=_("Year and month of adoption, e.g. 2019-01.")
    )
    summary_nl = models.TextField(_("summary (nl)"), blank=True)
    summary_fr = models.TextField(_("summary (fr)"), blank=True)
    summary_en = models.TextField(_("summary (en)"), blank=True)
    source = models.TextField(_("source"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan edition")
        verbose_name_plural = _("plan editions")

    def __str__(self):
        return self.title_nl


class Dimension(TranslatedMixin, models.Model):
    """One of the six dimensions that structure every sector ecosystem (chapter 5.4)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title_nl = models.TextField(_("title (nl)"))
    title_fr = models.TextField(_("title (fr)"), blank=True)
    title_en = models.TextField(_("title (en)"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")

    def __str__(self):
        return f"{self.number}. {self.title_nl}"


class PlanNode(TranslatedMixin, VersionedModel, TimeStampedModel):
    """A section of the plan: chapter, driver, challenge, vision, pillar, dimension, …"""

    class Kind(models.TextChoices):
        CHAPTER = "chapter", _("Chapter")
        SECTION = "section", _("Section")
        DRIVER = "driver", _("Driver")
        CHALLENGE = "challenge", _("Transversal challenge")
        CONTEXT = "context", _("Context")
        VISION = "vision", _("Vision 2030")
        OBJECTIVE = "objective", _("Long-term objective")
        ISSUE = "issue", _("Challenge (Uitdaging)")
        PILLAR = "pillar", _("Strategic pillar")
        METROPOLITAN_CHALLENGE = "metropolitan_challenge", _("Metropolitan challenge")
        DIMENSION = "dimension", _("Dimension")
        SECTOR_SECTION = "sector_section", _("Sector section")
        GOVERNANCE = "governance", _("Governance")

    edition = models.ForeignKey(
        PlanEdition, on_delete=models.CASCADE, related_name="nodes", verbose_name=_("edition")
    )
    key = models.CharField(_("key"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("parent"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    number = models.CharField(_("number as printed"), max_length=100, blank=True)
    title_nl = models.TextField(_("title (nl)"))
    title_fr = models.TextField(_("title (fr)"), blank=True)
    title_en = models.TextField(_("title (en)"), blank=True)
    body_nl = models.TextField(_("text (nl)"), blank=True)
    body_fr = models.TextField(_("text (fr)"), blank=True)
    body_en = models.TextField(_("text (en)"), blank=True)
    fr_official = models.BooleanField(_("French text is official"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    source_line = models.PositiveIntegerField(_("line in the source text"), null=True, blank=True)
    sector = models.ForeignKey(
        Sector,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nodes",
        verbose_name=_("sector"),
    )
    dimension = models.ForeignKey(
        Dimension,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nodes",
        verbose_name=_("dimension"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["order"]
        verbose_name = _("plan section")
        verbose_name_plural = _("plan sections")

    def __str__(self):
        return f"{self.key} {self.title_nl}"[:120]


class Status(TranslatedMixin, models.Model):
    """An implementation status, as printed in the plan's 2019 tables ('Te ontwikkelen', …)."""

    key = models.SlugField(_("key"), unique=True)
    label_nl = models.CharField(_("label (nl)"), max_length=120)
    label_fr = models.CharField(_("label (fr)"), max_length=120, blank=True)
    label_en = models.CharField(_("label (en)"), max_length=120, blank=True)
    printed_forms = models.JSONField(_("printed forms"), default=list)
    default_progress = models.PositiveSmallIntegerField(_("default progress (%)"), default=0)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order"]
        verbose_name = _("status")
        verbose_name_plural = _("statuses")

    def __str__(self):
        return self.label_nl


class RemarkTag(TranslatedMixin, models.Model):
    """QW (quick win), PPP, PPUP, Spaarpot, TCK (Te creëren kader)."""

    key = models.CharField(_("key"), max_length=20, unique=True)
    label_nl = models.CharField(_("label (nl)"), max_length=120)
    label_fr = models.CharField(_("label (fr)"), max_length=120, blank=True)
    label_en = models.CharField(_("label (en)"), max_length=120, blank=True)
    description_nl = models.TextField(_("description (nl)"), blank=True)
    description_fr = models.TextField(_("description (fr)"), blank=True)
    description_en = models.TextField(_("description (en)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order"]
        verbose_name = _("remark tag")
        verbose_name_plural = _("remark tags")

    def __str__(self):
        return self.key


class MeasureQuerySet(models.QuerySet):
    def with_relations(self):
        return self.select_related(
            "section", "challenge", "pillar", "sector", "dimension", "status"
        ).prefetch_related("remark_tags", "coordinations__organisation")

    def quick_wins(self):
        return self.filter(remark_tags__key="QW")


class Measure(TranslatedMixin, VersionedModel, TimeStampedModel):
    """One measure of the plan, with every field of its row exactly as printed in 2019."""

    class Kind(models.TextChoices):
        TABLE = "table", _("Table measure")
        PROPOSAL = "proposal", _("Numbered proposal")
        LISTED = "listed", _("Listed transversal measure")
        RESTATEMENT = "restatement", _("Restatement of another measure")

    class Priority(models.TextChoices):
        SHORT = "KT", _("Short term")
        MEDIUM = "MT", _("Medium term")
        LONG = "LT", _("Long term")
        NONE = "", _("Not given")

    edition = models.ForeignKey(
        PlanEdition, on_delete=models.CASCADE, related_name="measures", verbose_name=_("edition")
    )
    code = models.CharField(_("code"), max_length=30, unique=True)
    printed_code = models.CharField(_("code as printed"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title_nl = models.TextField(_("text (nl)"))
    title_fr = models.TextField(_("text (fr)"), blank=True)
    title_en = models.TextField(_("text (en)"), blank=True)
    fr_official = models.BooleanField(_("French text is official"), default=False)
    section = models.ForeignKey(
        PlanNode, on_delete=models.PROTECT, related_name="measures", verbose_name=_("section")
    )
    challenge = models.ForeignKey(
        PlanNode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="challenge_measures",
        verbose_name=_("challenge"),
    )
    pillar = models.ForeignKey(
        PlanNode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pillar_measures",
        verbose_name=_("pillar"),
    )
    sector = models.ForeignKey(
        Sector,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("sector"),
    )
    dimension = models.ForeignKey(
        Dimension,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("dimension"),
    )
    priority_printed = models.CharField(_("priority as printed"), max_length=20, blank=True)
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices, blank=True)
    cost = models.CharField(_("cost"), max_length=10, blank=True)
    staffing = models.CharField(_("staffing"), max_length=10, blank=True)
    status_2019 = models.CharField(_("status as printed in 2019"), max_length=200, blank=True)
    status = models.ForeignKey(
        Status,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("status"),
    )
    remark_tags = models.ManyToManyField(
        RemarkTag, blank=True, related_name="measures", verbose_name=_("remark tags")
    )
    remark_nl = models.TextField(_("remark (nl)"), blank=True)
    remark_fr = models.TextField(_("remark (fr)"), blank=True)
    remark_en = models.TextField(_("remark (en)"), blank=True)
    source_line = models.PositiveIntegerField(_("line in the source text"), null=True, blank=True)
    source_file = models.CharField(_("data file"), max_length=100, blank=True)
    quirks = models.JSONField(_("document quirks"), default=list, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    search_text = models.TextField(_("search key"), blank=True, editable=False)
    history = HistoricalRecords(m2m_fields=[remark_tags])

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["order"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self):
        return f"{self.code} {self.title_nl}"[:120]


class MeasureCoordination(models.Model):
    """An organisation coordinating a measure, with the form printed in the plan."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="coordinations", verbose_name=_("measure")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="coordinations",
        verbose_name=_("organisation"),
    )
    printed = models.CharField(_("as printed"), max_length=300)
    uncertain = models.BooleanField(_("uncertain (the plan prints '?')"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order"]
        verbose_name = _("coordination")
        verbose_name_plural = _("coordinations")

    def __str__(self):
        return f"{self.measure.code} – {self.printed}"


class CrossReference(models.Model):
    class Type(models.TextChoices):
        SEE_ALSO = "see_also", _("See also")
        LINKED_TO = "linked_to", _("Linked to")
        RESTATES = "restates", _("Restates")

    source = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="references", verbose_name=_("from")
    )
    target = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="referenced_by", verbose_name=_("to")
    )
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    printed = models.CharField(_("as printed"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "type"], name="unique_cross_reference"
            )
        ]
        verbose_name = _("cross-reference")
        verbose_name_plural = _("cross-references")

    def __str__(self):
        return f"{self.source.code} → {self.target.code} ({self.type})"


class MeasureNote(TranslatedMixin, models.Model):
    """A footnote or good practice attached to a measure."""

    class Kind(models.TextChoices):
        GOOD_PRACTICE = "good_practice", _("Good practice")
        FOOTNOTE = "footnote", _("Footnote")

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="notes", verbose_name=_("measure")
    )
    number = models.CharField(_("number"), max_length=10, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text_nl = models.TextField(_("text (nl)"))
    text_fr = models.TextField(_("text (fr)"), blank=True)
    text_en = models.TextField(_("text (en)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self):
        return f"{self.measure.code} note {self.number}"


class PlanImport(models.Model):
    """Ledger of plan loads: what was loaded, from which files, when, by whom."""

    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    loaded_by = models.CharField(_("loaded by"), max_length=150, blank=True)
    checksum = models.CharField(_("checksum (sha256)"), max_length=64)
    files = models.JSONField(_("files"), default=list)
    counts = models.JSONField(_("counts"), default=dict)

    class Meta:
        ordering = ["-loaded_at"]
        verbose_name = _("plan import")
        verbose_name_plural = _("plan imports")

    def __str__(self):
        return f"{self.loaded_at:%Y-%m-%d %H:%M} {self.checksum[:12]}"
