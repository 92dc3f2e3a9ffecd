"""Strategies and stakeholder positions related to the plan (Go4Brussels 2030, Brupartners, BISy)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel, TranslatedMixin, VersionedModel
from plan.models import Measure, PlanNode
from reference.models import Sector


class Document(TranslatedMixin, VersionedModel, TimeStampedModel):
    class Kind(models.TextChoices):
        STRATEGY = "strategy", _("Strategy")
        POSITION = "position", _("Stakeholder position")

    slug = models.SlugField(_("slug"), unique=True, max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title_nl = models.TextField(_("title (nl)"))
    title_fr = models.TextField(_("title (fr)"), blank=True)
    title_en = models.TextField(_("title (en)"), blank=True)
    author_nl = models.TextField(_("author (nl)"), blank=True)
    author_fr = models.TextField(_("author (fr)"), blank=True)
    author_en = models.TextField(_("author (en)"), blank=True)
    date = models.CharField(_("date"), max_length=20, blank=True)
    seed = models.CharField(_("source file"), max_length=100, blank=True)
    summary_nl = models.TextField(_("summary (nl)"), blank=True)
    summary_fr = models.TextField(_("summary (fr)"), blank=True)
    summary_en = models.TextField(_("summary (en)"), blank=True)
    body_nl = models.TextField(_("full text (nl)"), blank=True)
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="documents", verbose_name=_("sectors")
    )
    steering_ministers = models.JSONField(_("steering ministers"), default=list, blank=True)
    partners = models.JSONField(_("partners"), default=list, blank=True)
    quirks = models.JSONField(_("notes on the source text"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order"]
        verbose_name = _("strategy or position")
        verbose_name_plural = _("strategies and positions")

    def __str__(self):
        return self.title_nl


class Item(TranslatedMixin, models.Model):
    """A policy initiative, proposal, demand or figure of a document, linked to the plan."""

    class Kind(models.TextChoices):
        INITIATIVE = "initiative", _("Policy initiative")
        PROPOSAL = "proposal", _("Proposal")
        DEMAND = "demand", _("Demand")
        FIGURE = "figure", _("Figure")

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="items", verbose_name=_("document")
    )
    key = models.CharField(_("key"), max_length=30)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text_nl = models.TextField(_("text (nl)"))
    text_fr = models.TextField(_("text (fr)"), blank=True)
    text_en = models.TextField(_("text (en)"), blank=True)
    figures = models.JSONField(_("figures"), default=list, blank=True)
    actions = models.JSONField(_("actions"), default=list, blank=True)
    steering = models.JSONField(_("steered by"), default=list, blank=True)
    measures = models.ManyToManyField(
        Measure, blank=True, related_name="strategy_items", verbose_name=_("measures")
    )
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="strategy_items", verbose_name=_("sectors")
    )
    challenges = models.ManyToManyField(
        PlanNode, blank=True, related_name="strategy_items", verbose_name=_("challenges")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["document", "order"]
        constraints = [models.UniqueConstraint(fields=["document", "key"], name="unique_item_key")]
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self):
        return f"{self.document.slug} #{self.key}"
