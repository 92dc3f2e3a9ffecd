"""Writes of the ecosystem map: atomic, access-checked (accounts/access.py), audited (each write
records its own history reason), version-guarded where an editor edits a row."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.access import can_edit_ecosystem, can_propose_ecosystem
from core.tasks import enqueue_once
from core.text import fold
from reference.models import Sector

from .loader import relation_key
from .metrics import compute
from .models import (
    STRENGTH_MAX,
    STRENGTH_MIN,
    Actor,
    ActorAlias,
    ActorMetric,
    DuplicateCandidate,
    MetricRun,
    Proposal,
    RegisterCount,
    Relation,
    Suggestion,
    ValueChainStage,
)
from .selectors import period_bounds


class ConflictError(Exception):
    """The row changed since the editor's version."""


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _by(user) -> str:
    return getattr(user, "username", "") or "system"


def _stamp(actor: Actor, fields: list[str], *, source: str, user, verified: bool = False) -> None:
    today = timezone.localdate().isoformat()
    for name in fields:
        actor.sources[name] = {"source": source, "date": today, "by": _by(user)}
        actor.verified[name] = verified


# ---------------------------------------------------------------- actors and relations


EDITABLE = {
    "name_nl": "name",
    "name_fr": "name",
    "name_en": "name",
    "type": "type",
    "description_nl": "description",
    "description_fr": "description",
    "description_en": "description",
    "address": "address",
    "postal_code": "address",
    "municipality": "municipality",
    "latitude": "coordinates",
    "longitude": "coordinates",
    "size_band": "size_band",
    "website": "website",
    "kbo_number": "kbo_number",
}


@transaction.atomic
def actor_update(
    *, user, actor: Actor, data: dict, source: str, version: int | None = None, verified=False
) -> Actor:
    """Change facts of an actor; each changed fact records its source, date and editor."""
    _require(can_edit_ecosystem(user))
    actor = Actor.objects.select_for_update().get(pk=actor.pk)
    if version is not None and actor.version != version:
        raise ConflictError(actor)
    changed = []
    for name, value in data.items():
        if name not in EDITABLE:
            raise ValidationError({name: "not an editable field"})
        if getattr(actor, name) != value:
            setattr(actor, name, value)
            changed.append(EDITABLE[name])
    if changed:
        _stamp(actor, sorted(set(changed)), source=source, user=user, verified=verified)
        actor._change_reason = f"edited: {', '.join(sorted(set(changed)))}"
        actor.save()
    return actor


@transaction.atomic
def actor_close(*, user, actor: Actor, end_date: date, reason: str = "") -> Actor:
    """An actor is never deleted: it is closed with an end date."""
    _require(can_edit_ecosystem(user))
    actor.end_date = end_date
    actor._change_reason = f"closed {end_date.isoformat()}: {reason}"[:100]
    actor.save()
    return actor


BRUSSELS_REFNIS = {str(code) for code in range(21001, 21020)}


def register_source(snapshot) -> tuple[str, str]:
    """(source, date) of a fact read in the register: the snapshot's open-data extract."""
    day = snapshot.snapshot_date.isoformat() if snapshot is not None else ""
    return f"KBO/BCE open data, snapshot {day}".strip(), day


def _register_name(detail: dict, number: str, language: str) -> str:
    """The enterprise's own name (not an establishment's) in a language ("2" Dutch, "1"
    French), official name (type 001) first; "" when none."""
    own = [d for d in detail.get("denominations") or [] if d.get("entity") == number]
    own.sort(key=lambda d: (d.get("type") or "", d.get("name") or ""))
    return next((d["name"] for d in own if d.get("language") == language and d.get("name")), "")


def register_facts(detail: dict) -> dict:
    """What an actor takes from the register: names, legal form (label), the NACE codes of its
    preferred activities (its own and its establishments'), its establishments in the Region,
    its municipality (the seat's, else its first establishment's in the Region), its plan
    sectors (the classification by NACE, an editor's override on top)."""
    number = detail["enterprise_number"]
    own = sorted(
        (d for d in detail.get("denominations") or [] if d.get("entity") == number),
        key=lambda d: (d.get("type") or "", d.get("language") or "", d.get("name") or ""),
    )
    name_nl = _register_name(detail, number, "2") or (own[0]["name"] if own else number)
    form = detail.get("juridical_form") or ""
    label = (detail.get("code_labels") or {}).get(("JuridicalForm", form)) or {}
    in_region = [
        e for e in detail.get("establishments") or [] if e.get("refnis") in BRUSSELS_REFNIS
    ]
    municipality = detail.get("seat_municipality") or ""
    if municipality not in BRUSSELS_REFNIS:
        municipality = min((e["refnis"] for e in in_region), default="")
    return {
        "name_nl": name_nl,
        "name_fr": _register_name(detail, number, "1"),
        "legal_form": label.get("nl") or label.get("fr") or form,
        "nace_codes": sorted(
            {a["nace_code"] for a in detail.get("activities") or [] if a.get("preferred")}
        ),
        "establishments": len(in_region),
        "municipality": municipality,
        "sectors": sorted({s["sector"] for s in detail.get("sectors") or []}),
    }


@transaction.atomic
def actor_add_from_register(*, user, enterprise_number: str, detail: dict | None = None) -> Actor:
    """Add one register enterprise as an actor (never the register wholesale), its facts
    (name, legal form, NACE codes, establishments, municipality, plan sectors) sourced
    "KBO/BCE open data, snapshot <date>" with the snapshot's date. `detail` is
    economy.selectors.enterprise_detail's answer (read here when not given). Adding an
    enterprise already on the map (by KBO number, or a merged actor's number) returns that
    actor unchanged."""
    _require(can_edit_ecosystem(user))
    from economy.register import normalize_enterprise_number

    number = normalize_enterprise_number(enterprise_number)
    existing = Actor.objects.filter(kbo_number=number).order_by("pk").first()
    if existing is None:
        alias = (
            ActorAlias.objects.filter(kind=ActorAlias.Kind.KBO, value=number)
            .select_related("actor")
            .first()
        )
        existing = alias.actor if alias else None
    if existing is not None:
        while existing.merged_into_id:
            existing = existing.merged_into
        return existing
    if detail is None:
        from economy.selectors import enterprise_detail

        detail = enterprise_detail(enterprise_number=number)
    if not detail or detail.get("enterprise_number") != number:
        raise ValidationError(
            {"enterprise_number": f"{number} is not an enterprise present in the Region"}
        )
    facts = register_facts(detail)
    source, day = register_source(detail.get("snapshot"))
    actor = Actor(
        key="kbo-" + number.replace(".", ""),
        name_nl=facts["name_nl"],
        name_fr=facts["name_fr"],
        type=Actor.Type.COMPANY,
        origin=Actor.Origin.REGISTER,
        kbo_number=number,
        legal_form=facts["legal_form"],
        nace_codes=facts["nace_codes"],
        establishments=facts["establishments"],
        municipality=facts["municipality"],
    )
    fields = ["name", "kbo_number", "legal_form", "nace_codes", "establishments"]
    if actor.municipality:
        fields.append("municipality")
    sectors = list(Sector.objects.filter(slug__in=facts["sectors"]))
    if sectors:
        fields.append("sectors")
    for name in fields:
        actor.sources[name] = {"source": source, "date": day, "by": _by(user)}
        actor.verified[name] = True  # read in the register itself
    # the type is the editor's choice, not the register's
    _stamp(actor, ["type"], source=f"added from the register by {_by(user)}", user=user)
    actor._change_reason = f"added from the register by {_by(user)}"
    actor.save()
    if sectors:
        actor.sectors.set(sectors)
    actor.added_now = True  # (not stored) the view says "added" rather than "already there"
    return actor


def _check_strength(strength: float) -> None:
    if not STRENGTH_MIN <= strength <= STRENGTH_MAX:
        raise ValidationError({"strength": f"must be {STRENGTH_MIN:g}–{STRENGTH_MAX:g}"})


@transaction.atomic
def relation_create(
    *,
    user,
    source_actor: Actor,
    target_actor: Actor,
    type: str,
    directed: bool = True,
    strength: float = 1.0,
    source: str,
    label: str = "",
    check_access: bool = True,
) -> Relation:
    if check_access:
        _require(can_edit_ecosystem(user))
    _check_strength(strength)
    if type not in Relation.Type.values:
        raise ValidationError({"type": "unknown relation type"})
    key = relation_key(source_actor.key, type, target_actor.key, directed)
    if not directed and target_actor.key < source_actor.key:
        source_actor, target_actor = target_actor, source_actor
    relation = Relation.objects.filter(key=key).first()
    if relation is not None:
        return relation
    relation = Relation(
        key=key,
        source_actor=source_actor,
        target_actor=target_actor,
        type=type,
        directed=directed,
        strength=strength,
        label=label,
        source=source,
        source_date=timezone.localdate().isoformat(),
    )
    relation._change_reason = f"created by {_by(user)}"
    relation.save()
    return relation


# ---------------------------------------------------------------- duplicates and merges


def _name_tokens(actor: Actor) -> set[str]:
    return {w for w in fold(actor.name_nl).replace("-", " ").split() if len(w) > 2}


@transaction.atomic
def duplicates_detect() -> int:
    """Propose pairs that may be one actor: same KBO number (confidence 1), same address
    (0.8), names sharing most words (Jaccard ≥ 0.75). Pairs already decided stay decided."""
    actors = list(
        Actor.objects.active().only("pk", "name_nl", "kbo_number", "address", "postal_code")
    )
    found: dict[tuple[int, int], tuple[str, float]] = {}

    def add(a, b, reason, confidence):
        pair = (min(a.pk, b.pk), max(a.pk, b.pk))
        if pair not in found or found[pair][1] < confidence:
            found[pair] = (reason, confidence)

    by_kbo, by_address, by_token = defaultdict(list), defaultdict(list), defaultdict(list)
    tokens = {}
    for a in actors:
        if a.kbo_number:
            by_kbo[a.kbo_number].append(a)
        if a.address:
            by_address[(fold(a.address), a.postal_code)].append(a)
        tokens[a.pk] = _name_tokens(a)
        for w in tokens[a.pk]:
            by_token[w].append(a)
    for group in by_kbo.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                add(a, b, "same KBO/BCE number", 1.0)
    for group in by_address.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                add(a, b, "same address", 0.8)
    for group in by_token.values():
        if len(group) > 50:  # a common word ("brussels") says nothing
            continue
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                ta, tb = tokens[a.pk], tokens[b.pk]
                jaccard = len(ta & tb) / len(ta | tb) if ta | tb else 0
                if jaccard >= 0.75:
                    add(a, b, "similar names", round(jaccard * 0.9, 2))
    created = 0
    for (first, second), (reason, confidence) in found.items():
        _, new = DuplicateCandidate.objects.get_or_create(
            first_id=first, second_id=second, defaults={"reason": reason, "confidence": confidence}
        )
        created += new
    return created


@transaction.atomic
def actors_merge(*, user, keep: Actor, other: Actor, candidate: DuplicateCandidate | None = None):
    """Merge `other` into `keep`: its key, names and KBO number become aliases of `keep`, its
    relations move to `keep`, and `other` is closed (merged_into) — never deleted, history kept."""
    _require(can_edit_ecosystem(user))
    if keep.pk == other.pk:
        raise ValidationError("an actor cannot be merged into itself")
    reason = f"merged {other.key} into {keep.key} by {_by(user)}"
    aliases = [(ActorAlias.Kind.KEY, other.key)]
    for name in {other.name_nl, other.name_fr, other.name_en} - {"", keep.name_nl}:
        aliases.append((ActorAlias.Kind.NAME, name))
    if other.kbo_number and other.kbo_number != keep.kbo_number:
        aliases.append((ActorAlias.Kind.KBO, other.kbo_number))
    for kind, value in aliases:
        if not ActorAlias.objects.filter(kind=kind, value=value).exists():
            alias = ActorAlias(actor=keep, kind=kind, value=value, source=reason)
            alias._change_reason = reason
            alias.save()
    ActorAlias.objects.filter(actor=other).update(actor=keep)
    for rel in list(Relation.objects.filter(source_actor=other)) + list(
        Relation.objects.filter(target_actor=other)
    ):
        if rel.source_actor_id == other.pk:
            rel.source_actor = keep
        if rel.target_actor_id == other.pk:
            rel.target_actor = keep
        rel._change_reason = reason
        rel.save()
    for field in ("sectors", "stages", "measures"):
        getattr(keep, field).add(*getattr(other, field).all())
    for name in ("kbo_number", "website", "address", "municipality", "legal_form"):
        if not getattr(keep, name) and getattr(other, name):
            setattr(keep, name, getattr(other, name))
            if name in other.sources:
                keep.sources[name] = other.sources[name]
    keep.citations = keep.citations + [c for c in other.citations if c not in keep.citations]
    keep._change_reason = reason
    keep.save()
    other.merged_into = keep
    other.end_date = timezone.localdate()
    other._change_reason = reason
    other.save()
    if candidate is not None:
        candidate.status = DuplicateCandidate.Status.MERGED
        candidate.decided_by = user
        candidate.decided_at = timezone.now()
        candidate.save()
    return keep


@transaction.atomic
def duplicate_reject(*, user, candidate: DuplicateCandidate) -> None:
    _require(can_edit_ecosystem(user))
    candidate.status = DuplicateCandidate.Status.REJECTED
    candidate.decided_by = user
    candidate.decided_at = timezone.now()
    candidate.save()


# ---------------------------------------------------------------- suggested links

COMPLEMENTARY = {
    ("design_engineering", "production"),
    ("materials_components", "production"),
    ("production", "distribution_logistics"),
    ("use_maintenance", "repair_reuse"),
    ("repair_reuse", "recycling"),
}


@transaction.atomic
def suggestions_compute(*, limit_per_reason: int = 500) -> int:
    """Suggest links (never facts): actors with at least two shared neighbours and no relation
    yet; actors of one sector on complementary stages. Decided suggestions are kept."""
    linked = set()
    neighbours = defaultdict(set)
    for s, t in Relation.objects.values_list("source_actor_id", "target_actor_id"):
        linked.add((min(s, t), max(s, t)))
        neighbours[s].add(t)
        neighbours[t].add(s)
    made = 0
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for _, ns in neighbours.items():
        if len(ns) > 200:
            continue
        ordered = sorted(ns)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                counts[(a, b)] += 1
    shared = sorted(
        ((pair, c) for pair, c in counts.items() if c >= 2 and pair not in linked),
        key=lambda x: -x[1],
    )[:limit_per_reason]
    for (a, b), c in shared:
        _, new = Suggestion.objects.get_or_create(
            source_actor_id=a,
            target_actor_id=b,
            reason=Suggestion.Reason.SHARED_NEIGHBOURS,
            defaults={"detail": f"{c} shared neighbours", "score": float(c)},
        )
        made += new
    stage_actors = defaultdict(list)
    for actor_id, sector_id, key in Actor.stages.through.objects.filter(
        actor__end_date__isnull=True
    ).values_list("actor_id", "valuechainstage__sector_id", "valuechainstage__key"):
        stage_actors[(sector_id, key)].append(actor_id)
    pairs = 0
    for (sector_id, key), ids in stage_actors.items():
        for up, down in COMPLEMENTARY:
            if key != up:
                continue
            for a in ids:
                for b in stage_actors.get((sector_id, down), []):
                    if a == b or (min(a, b), max(a, b)) in linked or pairs >= limit_per_reason:
                        continue
                    _, new = Suggestion.objects.get_or_create(
                        source_actor_id=a,
                        target_actor_id=b,
                        reason=Suggestion.Reason.COMPLEMENTARY_STAGES,
                        defaults={"detail": f"{up} → {down}", "score": 1.0},
                    )
                    made += new
                    pairs += 1
    return made


@transaction.atomic
def suggestion_accept(*, user, suggestion: Suggestion, type: str, strength: float = 1.0):
    """An editor accepts a suggestion: a relation is created whose source says so."""
    _require(can_edit_ecosystem(user))
    relation = relation_create(
        user=user,
        source_actor=suggestion.source_actor,
        target_actor=suggestion.target_actor,
        type=type,
        directed=False,
        strength=strength,
        source=f"suggestion accepted by {_by(user)} ({suggestion.get_reason_display()}: "
        f"{suggestion.detail})",
    )
    suggestion.status = Suggestion.Status.ACCEPTED
    suggestion.relation = relation
    suggestion.decided_by = user
    suggestion.decided_at = timezone.now()
    suggestion._change_reason = "accepted"
    suggestion.save()
    return relation


@transaction.atomic
def suggestion_reject(*, user, suggestion: Suggestion) -> None:
    _require(can_edit_ecosystem(user))
    suggestion.status = Suggestion.Status.REJECTED
    suggestion.decided_by = user
    suggestion.decided_at = timezone.now()
    suggestion._change_reason = "rejected"
    suggestion.save()


# ---------------------------------------------------------------- moderated proposals


@transaction.atomic
def proposal_submit(*, user, kind: str, payload: dict, actor: Actor | None = None, note=""):
    _require(can_propose_ecosystem(user))
    if kind not in Proposal.Kind.values:
        raise ValidationError({"kind": "unknown kind"})
    unknown = set(payload) - set(EDITABLE) - {"key", "target", "relation_type"}
    if unknown:
        raise ValidationError({"payload": f"unknown fields {sorted(unknown)}"})
    proposal = Proposal(kind=kind, payload=payload, actor=actor, note=note, proposed_by=user)
    proposal._change_reason = f"proposed by {_by(user)}"
    proposal.save()
    return proposal


@transaction.atomic
def proposal_accept(*, user, proposal: Proposal) -> Proposal:
    """Apply a proposal; its facts record the proposer as source and the editor as `by`."""
    _require(can_edit_ecosystem(user))
    if proposal.status != Proposal.Status.PENDING:
        raise ValidationError("already decided")
    source = f"proposal #{proposal.pk} by {_by(proposal.proposed_by)}"
    payload = dict(proposal.payload)
    if proposal.kind == Proposal.Kind.ADD_ACTOR:
        key = payload.pop("key", "") or f"proposal-{proposal.pk}"
        actor = Actor(key=key, name_nl=payload.pop("name_nl", key), origin=Actor.Origin.EDITOR)
        actor._change_reason = source
        actor.save()
        _stamp(actor, ["name"], source=source, user=user)
        actor.save()
        actor_update(user=user, actor=actor, data=payload, source=source)
        proposal.actor = actor
    elif proposal.kind == Proposal.Kind.CORRECT_ACTOR:
        actor_update(user=user, actor=proposal.actor, data=payload, source=source)
    else:
        target = Actor.objects.get(key=payload["target"])
        relation_create(
            user=user,
            source_actor=proposal.actor,
            target_actor=target,
            type=payload.get("relation_type", Relation.Type.PARTNERS_WITH),
            source=source,
        )
    proposal.status = Proposal.Status.ACCEPTED
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal._change_reason = f"accepted by {_by(user)}"
    proposal.save()
    return proposal


@transaction.atomic
def proposal_reject(*, user, proposal: Proposal, note: str = "") -> Proposal:
    _require(can_edit_ecosystem(user))
    proposal.status = Proposal.Status.REJECTED
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.decision_note = note
    proposal._change_reason = f"rejected by {_by(user)}"
    proposal.save()
    return proposal


# ---------------------------------------------------------------- metrics (background work)


def metrics_request(*, user, period: str):
    """Queue the metrics of a period (never computed inside a request)."""
    _require(can_edit_ecosystem(user))
    from .tasks import compute_metrics

    return enqueue_once(compute_metrics, period)


def metrics_compute(*, period: str) -> MetricRun:
    """Compute and store the metrics of the graph in `period` (a year): the actors active in it
    and the relations valid in it. Replaces the period's previous run."""
    start, end = period_bounds(period)
    started = time.perf_counter()
    actors = (
        Actor.objects.filter(merged_into__isnull=True)
        .exclude(start_date__gt=end)
        .exclude(end_date__lt=start)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    ids = list(actors)
    index = {pk: i for i, pk in enumerate(ids)}
    rels = []
    for s, t, directed, strength in (
        Relation.objects.exclude(valid_from__gt=end)
        .exclude(valid_to__lt=start)
        .values_list("source_actor_id", "target_actor_id", "directed", "strength")
        .iterator(chunk_size=20000)
    ):
        if s in index and t in index:
            rels.append((index[s], index[t], directed, strength))
    result = compute(len(ids), rels)
    with transaction.atomic():
        MetricRun.objects.filter(period=period).delete()
        run = MetricRun.objects.create(
            period=period,
            status=MetricRun.Status.DONE,
            nodes=result.nodes,
            edges=result.edges,
            density=result.density,
            components=result.components,
            reciprocity=result.reciprocity,
            communities=result.communities,
            method=result.method,
        )
        ActorMetric.objects.bulk_create(
            (
                ActorMetric(
                    run=run,
                    actor_id=pk,
                    in_degree=result.in_degree[i],
                    out_degree=result.out_degree[i],
                    degree=result.degree[i],
                    weighted_degree=result.weighted_degree[i],
                    pagerank=result.pagerank[i],
                    betweenness=result.betweenness[i],
                    community=result.community[i],
                    broker=result.broker[i],
                    two_step_reach=result.two_step_reach[i],
                )
                for i, pk in enumerate(ids)
            ),
            batch_size=5000,
        )
        run.seconds = time.perf_counter() - started
        run.finished_at = timezone.now()
        run.save(update_fields=["seconds", "finished_at"])
    return run


def register_counts_compute(*, counts=None) -> int:
    """Per sector × stage × municipality (and the Region, municipality ""), the distinct
    enterprises of the current snapshot classified in the sector with an activity under any of
    the stage's NACE prefixes, and their establishments in the Region: one call of `counts`
    (economy.selectors.enterprise_counts_by_nace_prefixes, one DuckDB query) per stage. An
    enterprise with activities under two prefixes of one stage counts once. Replaces the
    snapshot's previous counts; writes nothing without a readable store."""
    from economy.selectors import enterprise_counts_by_nace_prefixes, snapshot_current

    from .selectors import municipality_codes

    counts = counts or enterprise_counts_by_nace_prefixes
    snapshot = snapshot_current()
    if snapshot is None:
        return 0
    rows = []
    for stage in ValueChainStage.objects.select_related("sector"):
        found = counts(prefixes=stage.nace_prefixes, sector=stage.sector.slug, snapshot=snapshot)
        if not found["enterprises"]:  # no readable store
            return 0
        establishments = found["establishments"]
        for municipality in ["", *municipality_codes()]:
            rows.append(
                RegisterCount(
                    snapshot_id=snapshot.pk,
                    sector=stage.sector.slug,
                    stage=stage,
                    municipality=municipality,
                    nace_prefix="",
                    enterprises=found["enterprises"].get(municipality, 0),
                    establishments=establishments.get(municipality, 0) if establishments else None,
                )
            )
    with transaction.atomic():
        RegisterCount.objects.filter(snapshot_id=snapshot.pk).delete()
        RegisterCount.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
