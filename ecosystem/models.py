"""The ecosystem map: actors, their relations, value chains per sector, and network metrics.

Every fact about an actor keeps its source (who said it, when) and a verified flag in
`Actor.sources` / `Actor.verified` (field → {source, date, by}); an actor is never deleted, it is
closed with an end date (and a merged actor points to the one it was merged into). Metrics are
stored per period so their change over time stays visible. See docs/ecosystem.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel, TranslatedMixin, VersionedModel
from core.text import fold
from plan.models import Measure
from reference.models import Organisation, Sector

# The fields of an actor that carry a source and a verified flag.
FACT_FIELDS = (
    "name",
    "type",
    "description",
    "kbo_number",
    "legal_form",
    "nace_codes",
    "establishments",
    "sectors",
    "stages",
    "address",
    "municipality",
    "coordinates",
    "size_band",
    "website",
    "measures",
    "organisation",
)


class ValueChainStage(TranslatedMixin, models.Model):
    """A stage of a sector's value chain (Bruprod's working definition: data/ecosystem/
    value_chains.yaml), with the NACE prefixes whose enterprises it counts."""

    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        related_name="value_chain_stages",
        verbose_name=_("sector"),
    )
    key = models.SlugField(_("key"), max_length=40)
    name_nl = models.CharField(_("name (nl)"), max_length=200)
    name_fr = models.CharField(_("name (fr)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (en)"), max_length=200, blank=True)
    nace_prefixes = models.JSONField(_("NACE prefixes"), default=list, blank=True)
    nace_version = models.CharField(_("NACE version"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sector__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["sector", "key"], name="eco_stage_sector_key")
        ]
        verbose_name = _("value-chain stage")
        verbose_name_plural = _("value-chain stages")

    def __str__(self):
        return f"{self.sector.slug}:{self.key}"


class ActorQuerySet(models.QuerySet):
    def active(self):
        """Actors not closed and not merged into another."""
        return self.filter(end_date__isnull=True, merged_into__isnull=True)


class Actor(TranslatedMixin, VersionedModel, TimeStampedModel):
    """An organisation of the productive ecosystem (company, operator, cluster, fablab, …)."""

    class Type(models.TextChoices):
        COMPANY = "company", _("Company")
        PUBLIC_OPERATOR = "public_operator", _("Public operator")
        GOVERNMENT = "government", _("Government")
        CLUSTER = "cluster", _("Cluster")
        INCUBATOR = "incubator", _("Incubator")
        FABLAB = "fablab", _("Fablab")
        RESEARCH_CENTRE = "research_centre", _("Research centre")
        UNIVERSITY = "university", _("University or college")
        TRAINING_CENTRE = "training_centre", _("Training centre")
        FEDERATION = "federation", _("Federation")
        SOCIAL_PARTNER = "social_partner", _("Social partner")
        SOCIAL_ECONOMY = "social_economy", _("Social-economy enterprise")
        NETWORK = "network", _("Network or platform")
        FUND = "fund", _("Fund")
        PROJECT_OR_PLACE = "project_or_place", _("Project or place")
        OTHER = "other", _("Other")
        UNKNOWN = "unknown", _("Not yet classified")

    class Origin(models.TextChoices):
        PLAN = "plan", _("Named or cited by the plan")
        REGISTER = "register", _("Added from the enterprise register")
        IMPORT = "import", _("Imported")
        EDITOR = "editor", _("Added by an editor")

    key = models.SlugField(_("key"), max_length=120, unique=True)
    name_nl = models.CharField(_("name (nl)"), max_length=300)
    name_fr = models.CharField(_("name (fr)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (en)"), max_length=300, blank=True)
    type = models.CharField(_("type"), max_length=30, choices=Type.choices, default=Type.UNKNOWN)
    description_nl = models.TextField(_("description (nl)"), blank=True)
    description_fr = models.TextField(_("description (fr)"), blank=True)
    description_en = models.TextField(_("description (en)"), blank=True)
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices)
    kbo_number = models.CharField(_("KBO/BCE number"), max_length=12, blank=True, db_index=True)
    legal_form = models.CharField(_("legal form"), max_length=200, blank=True)
    nace_codes = models.JSONField(_("NACE codes"), default=list, blank=True)
    establishments = models.PositiveIntegerField(_("establishments"), null=True, blank=True)
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="ecosystem_actors", verbose_name=_("sectors")
    )
    stages = models.ManyToManyField(
        ValueChainStage, blank=True, related_name="actors", verbose_name=_("value-chain stages")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    municipality = models.CharField(_("municipality (REFNIS)"), max_length=5, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    size_band = models.CharField(_("size band"), max_length=40, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    measures = models.ManyToManyField(
        Measure, blank=True, related_name="ecosystem_actors", verbose_name=_("plan measures")
    )
    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ecosystem_actor",
        verbose_name=_("plan organisation"),
    )
    # field → {"source": "plan 001_….txt:4631", "date": "2019-01", "by": "load-ecosystem"}
    sources = models.JSONField(_("sources per field"), default=dict, blank=True)
    verified = models.JSONField(_("verified fields"), default=dict, blank=True)
    # Where the plan cites the actor: [{"seed": …, "line": 4631, "quote": …}]
    citations = models.JSONField(_("citations in the plan"), default=list, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date (closed)"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    search_key = models.CharField(_("search key"), max_length=700, blank=True, editable=False)
    history = HistoricalRecords()

    objects = ActorQuerySet.as_manager()

    class Meta:
        ordering = ["name_nl"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")

    def __str__(self):
        return self.name_nl

    def save(self, *args, **kwargs):
        self.search_key = fold(" ".join([self.name_nl, self.name_fr, self.name_en, self.key]))
        super().save(*args, **kwargs)

    def label(self, lang: str | None = None) -> str:
        return self.tr("name", lang) or self.name_nl

    @property
    def is_active(self) -> bool:
        return self.end_date is None and self.merged_into_id is None


class ActorAlias(models.Model):
    """Another identifier of an actor: a former key (after a merge), a KBO number, a name."""

    class Kind(models.TextChoices):
        KEY = "key", _("Former key")
        NAME = "name", _("Other name")
        KBO = "kbo", _("KBO/BCE number")

    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("actor")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=300)
    folded = models.CharField(_("search key"), max_length=300, db_index=True, editable=False)
    source = models.CharField(_("source"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="eco_alias_kind_value")
        ]
        verbose_name = _("actor alias")
        verbose_name_plural = _("actor aliases")

    def __str__(self):
        return f"{self.kind}:{self.value}"

    def save(self, *args, **kwargs):
        self.folded = fold(self.value)
        super().save(*args, **kwargs)


class Relation(TranslatedMixin, VersionedModel, TimeStampedModel):
    """A typed link between two actors, directed or not, with a strength, a period and a source."""

    class Type(models.TextChoices):
        SUPPLIES = "supplies", _("supplies")
        BUYS_FROM = "buys_from", _("buys from")
        PARTNERS_WITH = "partners_with", _("partners with")
        MEMBER_OF = "member_of", _("member of")
        INCUBATED_BY = "incubated_by", _("incubated by")
        TRAINS_FOR = "trains_for", _("trains for")
        FUNDS = "funds", _("funds")
        CO_COORDINATES = "co_coordinates", _("coordinates a measure with")
        COORDINATES = "coordinates", _("coordinates")
        LOCATED_AT = "located_at", _("located at")
        SHARES_FACILITY = "shares_facility", _("shares a facility with")
        EXCHANGES_RESOURCE = "exchanges_resource", _("exchanges a resource or residue with")

    key = models.CharField(_("key"), max_length=200, unique=True)
    source_actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="relations_out", verbose_name=_("from")
    )
    target_actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="relations_in", verbose_name=_("to")
    )
    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    directed = models.BooleanField(_("directed"), default=True)
    strength = models.FloatField(_("strength"), default=1.0)
    label = models.CharField(_("label"), max_length=300, blank=True)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    source_date = models.CharField(_("source date"), max_length=20, blank=True)
    derived = models.BooleanField(_("derived from Bruprod's data"), default=False)
    derivation = models.CharField(_("derived from"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]
        indexes = [
            models.Index(fields=["source_actor", "target_actor"], name="eco_rel_ends"),
            models.Index(fields=["target_actor"], name="eco_rel_target"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(strength__gte=0) & Q(strength__lte=10), name="eco_rel_strength_range"
            )
        ]
        verbose_name = _("relation")
        verbose_name_plural = _("relations")

    def __str__(self):
        return self.key


# Strength is a number from 0 to 10 (Kumu's "Strength": a weight; 1 when not given).
STRENGTH_MIN, STRENGTH_MAX = 0.0, 10.0


class RegisterCount(models.Model):
    """Enterprises (and establishments) of the register per sector × stage × municipality for one
    snapshot, computed in the background (ecosystem.tasks) by one
    economy.selectors.enterprise_counts_by_nace_prefixes call per stage: distinct enterprises
    over all the stage's prefixes (`nace_prefix` is empty for such a row)."""

    snapshot_id = models.PositiveIntegerField(_("snapshot"))
    sector = models.CharField(_("sector"), max_length=50)
    stage = models.ForeignKey(
        ValueChainStage, on_delete=models.CASCADE, related_name="counts", verbose_name=_("stage")
    )
    municipality = models.CharField(_("municipality (REFNIS, empty: Region)"), max_length=5)
    nace_prefix = models.CharField(_("NACE prefix"), max_length=10)
    enterprises = models.PositiveIntegerField(_("enterprises"))
    establishments = models.PositiveIntegerField(_("establishments"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot_id", "stage", "municipality", "nace_prefix"],
                name="eco_count_cell",
            )
        ]
        verbose_name = _("register count")
        verbose_name_plural = _("register counts")

    def __str__(self):
        return f"{self.sector}:{self.stage_id}:{self.municipality}:{self.nace_prefix}"


class MetricRun(models.Model):
    """Network metrics of the graph in one period (a year), with the method used."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    period = models.CharField(_("period"), max_length=10, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    nodes = models.PositiveIntegerField(_("nodes"), default=0)
    edges = models.PositiveIntegerField(_("edges"), default=0)
    density = models.FloatField(_("density"), default=0.0)
    components = models.PositiveIntegerField(_("components"), default=0)
    reciprocity = models.FloatField(_("reciprocity"), default=0.0)
    communities = models.PositiveIntegerField(_("communities"), default=0)
    method = models.JSONField(_("method"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-period"]
        verbose_name = _("metric run")
        verbose_name_plural = _("metric runs")

    def __str__(self):
        return self.period


class ActorMetric(models.Model):
    run = models.ForeignKey(
        MetricRun, on_delete=models.CASCADE, related_name="actor_metrics", verbose_name=_("run")
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="metrics", verbose_name=_("actor")
    )
    in_degree = models.PositiveIntegerField(_("in-degree"))
    out_degree = models.PositiveIntegerField(_("out-degree"))
    degree = models.PositiveIntegerField(_("degree"))
    weighted_degree = models.FloatField(_("weighted degree"))
    pagerank = models.FloatField(_("PageRank"))
    betweenness = models.FloatField(_("betweenness"))
    community = models.IntegerField(_("community"))
    broker = models.PositiveIntegerField(_("other communities reached"))
    two_step_reach = models.PositiveIntegerField(_("two-step reach"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "actor"], name="eco_metric_run_actor")
        ]
        indexes = [models.Index(fields=["run", "community"], name="eco_metric_community")]
        verbose_name = _("actor metric")
        verbose_name_plural = _("actor metrics")

    def __str__(self):
        return f"{self.run_id}:{self.actor_id}"


class Suggestion(models.Model):
    """A link the data suggests (never a fact): an editor accepts it (a relation is created whose
    source says so) or rejects it."""

    class Reason(models.TextChoices):
        SHARED_NEIGHBOURS = "shared_neighbours", _("shared neighbours")
        COMPLEMENTARY_STAGES = "complementary_stages", _("complementary stages of one chain")
        SAME_SITE = "same_site", _("same site")
        RESOURCE_MATCH = "resource_match", _("a resource offered and needed")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    source_actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="+", verbose_name=_("from")
    )
    target_actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="+", verbose_name=_("to")
    )
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    score = models.FloatField(_("score"), default=0.0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    relation = models.ForeignKey(
        Relation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_actor", "target_actor", "reason"], name="eco_suggestion_pair"
            )
        ]
        verbose_name = _("suggested link")
        verbose_name_plural = _("suggested links")

    def __str__(self):
        return f"{self.source_actor_id}–{self.target_actor_id} ({self.reason})"


class DuplicateCandidate(models.Model):
    """Two actors that may be one (same KBO number, similar names, same address)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        MERGED = "merged", _("Merged")
        REJECTED = "rejected", _("Not the same")

    first = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    confidence = models.FloatField(_("confidence"), default=0.0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-confidence", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="eco_duplicate_pair")
        ]
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")

    def __str__(self):
        return f"{self.first_id}={self.second_id}"


class Proposal(models.Model):
    """An addition or correction proposed by a coordinating body or the industry commission,
    applied only when the task force accepts it."""

    class Kind(models.TextChoices):
        ADD_ACTOR = "add_actor", _("New actor")
        CORRECT_ACTOR = "correct_actor", _("Correction of an actor")
        ADD_RELATION = "add_relation", _("New relation")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, null=True, blank=True, related_name="proposals"
    )
    payload = models.JSONField(_("proposed values"), default=dict)
    note = models.TextField(_("note"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self):
        return f"{self.kind} #{self.pk}"


class EcosystemImport(models.Model):
    """Ledger of imports: files, checksum, counts, who and when."""

    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.CharField(_("imported by"), max_length=150, blank=True)
    files = models.JSONField(_("files"), default=list)
    checksum = models.CharField(_("checksum (sha256)"), max_length=64)
    counts = models.JSONField(_("counts"), default=dict)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("ecosystem import")
        verbose_name_plural = _("ecosystem imports")

    def __str__(self):
        return f"{self.imported_at:%Y-%m-%d %H:%M} {self.imported_by}"
