"""Network metrics of the ecosystem graph, computed with igraph and leidenalg (never in a request).

Pure functions on arrays: `compute(n, edges)` takes the actors 0..n-1 and the relations as
(source, target, directed, strength) and returns per-actor and graph metrics. How each metric is
defined is documented on the method page (templates/ecosystem/method.html) and in
docs/ecosystem.md; the tests check them against values computed by hand on small graphs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import igraph as ig
import leidenalg

EXACT_BETWEENNESS_MAX_NODES = 5000  # above: sampled sources (Brandes & Pich 2007)
BETWEENNESS_SAMPLES = 100
DAMPING = 0.85
LEIDEN_SEED = 42


@dataclass
class GraphMetrics:
    nodes: int
    edges: int
    density: float
    components: int
    reciprocity: float
    communities: int
    in_degree: list[int] = field(default_factory=list)
    out_degree: list[int] = field(default_factory=list)
    degree: list[int] = field(default_factory=list)
    weighted_degree: list[float] = field(default_factory=list)
    pagerank: list[float] = field(default_factory=list)
    betweenness: list[float] = field(default_factory=list)
    community: list[int] = field(default_factory=list)
    broker: list[int] = field(default_factory=list)
    two_step_reach: list[int] = field(default_factory=list)
    method: dict = field(default_factory=dict)


def compute(
    n: int,
    relations: list[tuple[int, int, bool, float]],
    *,
    exact_max: int = EXACT_BETWEENNESS_MAX_NODES,
    samples: int = BETWEENNESS_SAMPLES,
    seed: int = LEIDEN_SEED,
) -> GraphMetrics:
    """Every metric of the graph of `n` actors and `relations` (self-loops are ignored)."""
    rels = [(s, t, d, w) for s, t, d, w in relations if s != t]
    in_deg = [0] * n
    out_deg = [0] * n
    deg = [0] * n
    wdeg = [0.0] * n
    arcs: list[tuple[int, int]] = []
    arc_w: list[float] = []
    for s, t, directed, w in rels:
        deg[s] += 1
        deg[t] += 1
        wdeg[s] += w
        wdeg[t] += w
        out_deg[s] += 1
        in_deg[t] += 1
        arcs.append((s, t))
        arc_w.append(w)
        if not directed:
            out_deg[t] += 1
            in_deg[s] += 1
            arcs.append((t, s))
            arc_w.append(w)
    directed_graph = ig.Graph(n=n, edges=arcs, directed=True)
    # PageRank on the arcs, weighted by strength (an arc of strength 0 carries nothing).
    if n:
        pagerank = directed_graph.pagerank(
            damping=DAMPING, weights=arc_w if any(arc_w) else None, directed=True
        )
    else:
        pagerank = []
    # Undirected simple graph for betweenness, components, communities and reach.
    simple = ig.Graph(n=n, edges=[(min(s, t), max(s, t)) for s, t, _, _ in rels], directed=False)
    simple.es["weight"] = [w for _, _, _, w in rels]
    simple.simplify(combine_edges={"weight": "sum"})
    if n <= exact_max:
        betweenness = simple.betweenness(directed=False)
        betweenness_method = "exact (Brandes), unweighted shortest paths, undirected"
    else:
        rng = random.Random(seed)
        k = min(samples, n)
        sources = rng.sample(range(n), k)
        partial = simple.betweenness(directed=False, sources=sources, targets=None)
        betweenness = [b * n / k for b in partial]
        betweenness_method = (
            f"approximate: {k} source actors drawn at random (seed {seed}), dependencies scaled "
            f"by n/k (Brandes & Pich 2007), because the graph has more than {exact_max} actors"
        )
    components = len(simple.connected_components()) if n else 0
    if simple.ecount():
        partition = leidenalg.find_partition(
            simple,
            leidenalg.ModularityVertexPartition,
            weights="weight",
            seed=seed,
        )
        membership = list(partition.membership)
    else:
        membership = list(range(n))
    # Communities numbered by size (largest first), ties by their smallest actor.
    groups: dict[int, list[int]] = {}
    for v, c in enumerate(membership):
        groups.setdefault(c, []).append(v)
    order = sorted(groups, key=lambda c: (-len(groups[c]), groups[c][0]))
    renumber = {c: i for i, c in enumerate(order)}
    community = [renumber[c] for c in membership]
    adjacency = simple.get_adjlist()
    broker = [len({community[u] for u in adjacency[v]} - {community[v]}) for v in range(n)]
    reach = [size - 1 for size in simple.neighborhood_size(order=2)] if n else []
    density = len(arcs) / (n * (n - 1)) if n > 1 else 0.0
    reciprocity = directed_graph.reciprocity(ignore_loops=True, mode="default") if arcs else 0.0
    return GraphMetrics(
        nodes=n,
        edges=len(rels),
        density=density,
        components=components,
        reciprocity=float(reciprocity),
        communities=len(groups),
        in_degree=in_deg,
        out_degree=out_deg,
        degree=deg,
        weighted_degree=wdeg,
        pagerank=list(pagerank),
        betweenness=list(betweenness),
        community=community,
        broker=broker,
        two_step_reach=reach,
        method={
            "library": f"python-igraph {ig.__version__}, leidenalg {leidenalg.version}",
            "pagerank": f"igraph PageRank (PRPACK), damping {DAMPING}, weights = strength, "
            "undirected relations as two arcs",
            "betweenness": betweenness_method,
            "communities": f"Leiden, modularity, weights = summed strength, seed {seed}",
            "density": "arcs / (n × (n − 1)); an undirected relation is two arcs",
            "reciprocity": "share of arcs whose reverse arc exists",
            "two_step_reach": "actors at distance 1 or 2, undirected",
            "broker": "number of other communities among the actor's neighbours",
        },
    )
