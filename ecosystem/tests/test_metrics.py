"""Metrics against values computed by hand on small graphs."""

import pytest

from ecosystem.metrics import compute


def test_undirected_path_of_four():
    # a - b - c - d
    m = compute(4, [(0, 1, False, 1.0), (1, 2, False, 1.0), (2, 3, False, 1.0)])
    assert (m.nodes, m.edges, m.components) == (4, 3, 1)
    assert m.degree == [1, 2, 2, 1]
    assert m.in_degree == m.out_degree == [1, 2, 2, 1]
    assert m.betweenness == [0, 2, 2, 0]
    assert m.density == pytest.approx(6 / 12)
    assert m.reciprocity == 1.0
    assert m.two_step_reach == [2, 3, 3, 2]
    # PageRank by hand: PR_a = 0.15/4 + 0.85 PR_b/2, PR_a + PR_b = 1/2 → PR_b = 0.4625/1.425
    b = 0.4625 / 1.425
    assert m.pagerank == pytest.approx([0.5 - b, b, b, 0.5 - b], abs=1e-6)


def test_directed_cycle_of_three():
    m = compute(3, [(0, 1, True, 1.0), (1, 2, True, 1.0), (2, 0, True, 1.0)])
    assert m.in_degree == m.out_degree == [1, 1, 1]
    assert m.pagerank == pytest.approx([1 / 3] * 3)
    assert m.reciprocity == 0.0
    assert m.density == pytest.approx(3 / 6)


def test_two_triangles_and_a_bridge():
    edges = [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)]
    m = compute(6, [(a, b, False, 1.0) for a, b in edges])
    assert m.communities == 2
    assert m.community[0] == m.community[1] == m.community[2] != m.community[3]
    assert m.community[3] == m.community[4] == m.community[5]
    # shortest paths {0,1} × {3,4,5} cross 2; {0,1,2} × {4,5} cross 3
    assert m.betweenness == [0, 0, 6, 6, 0, 0]
    assert m.broker == [0, 0, 1, 1, 0, 0]
    assert m.two_step_reach == [3, 3, 5, 5, 3, 3]  # 2 reaches 0, 1, 3, then 4, 5


def test_weights_components_and_isolated_actors():
    m = compute(5, [(0, 1, True, 2.5), (0, 2, True, 4.0)])
    assert m.weighted_degree == [6.5, 2.5, 4.0, 0.0, 0.0]
    assert m.out_degree == [2, 0, 0, 0, 0] and m.in_degree == [0, 1, 1, 0, 0]
    assert m.components == 3  # {0,1,2}, {3}, {4}
    assert sum(m.pagerank) == pytest.approx(1.0)
    assert m.pagerank[2] > m.pagerank[1]  # the stronger arc carries more


def test_sampled_betweenness_with_every_source_is_exact():
    edges = [(0, 1), (1, 2), (2, 3), (3, 4), (1, 5)]
    exact = compute(6, [(a, b, False, 1.0) for a, b in edges])
    sampled = compute(6, [(a, b, False, 1.0) for a, b in edges], exact_max=2, samples=6)
    assert sampled.betweenness == pytest.approx(exact.betweenness)
    assert "approximate" in sampled.method["betweenness"]


def test_empty_graph():
    m = compute(0, [])
    assert (m.nodes, m.edges, m.density, m.components) == (0, 0, 0.0, 0)
