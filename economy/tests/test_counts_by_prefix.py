"""enterprise_counts_by_nace_prefixes: distinct enterprises and establishments under a set of NACE
prefixes, per municipality, in one query — checked by hand and against the search and detail."""

import pytest

from economy.selectors import (
    enterprise_counts_by_nace_prefixes,
    enterprise_detail,
    enterprise_search,
    snapshot_current,
)

from .test_tricky_entities import E1, E2, E3, E4, E6, S1, S2, S3, imported  # noqa: F401

pytestmark = pytest.mark.django_db

MUNICIPALITIES = [str(code) for code in range(21001, 21020)]


def direct(prefixes: list[str], sector: str = "") -> dict:
    """The same counts the slow way: one search per prefix and municipality (the union of the
    numbers found), and each enterprise's detail for its establishments."""
    codes = [p.replace(".", "") for p in prefixes]

    def numbers(municipality: str) -> set[str]:
        found = set()
        for code in codes:
            _, hits = enterprise_search(
                nace=code, municipality=municipality, sector=sector, limit=10_000
            )
            found |= {h.enterprise_number for h in hits}
        return found

    everywhere = numbers("")
    enterprises = {"": len(everywhere)}
    for m in MUNICIPALITIES:
        if n := len(numbers(m)):
            enterprises[m] = n
    establishments: dict[str, set[str]] = {"": set()}
    for number in everywhere:
        detail = enterprise_detail(enterprise_number=number)
        preferred: dict[str, list[str]] = {}
        for a in detail["activities"]:
            if a["preferred"]:
                preferred.setdefault(a["entity"], []).append(a["nace_code"])
        for s in detail["establishments"]:
            if s["refnis"] is None:
                continue
            own = preferred.get(s["establishment"])
            nace = own if own is not None else preferred.get(number, [])
            if any(c.startswith(p) for c in nace for p in codes):
                establishments[""].add(s["establishment"])
                establishments.setdefault(s["refnis"], set()).add(s["establishment"])
    return {
        "enterprises": enterprises,
        "establishments": {k: len(v) for k, v in establishments.items()},
    }


@pytest.mark.parametrize("sector", ["", "digital", "construction", "creative"])
@pytest.mark.parametrize(
    "prefixes",
    [["4321", "621"], ["4321", "43211"], ["10"], ["9", "90111"], ["43.2"], ["62", "10", "4"]],
)
def test_counts_match_a_direct_computation(imported, prefixes, sector):  # noqa: F811
    counts = enterprise_counts_by_nace_prefixes(prefixes=prefixes, sector=sector)
    assert counts["snapshot"] == snapshot_current()
    expected = direct(prefixes, sector)
    assert counts["enterprises"] == expected["enterprises"]
    assert counts["establishments"] == expected["establishments"]


def test_counts_by_hand(imported):  # noqa: F811
    # E3 has codes under both prefixes (62100 MAIN, 43211 ANCI): counted once
    counts = enterprise_counts_by_nace_prefixes(prefixes=["4321", "621"])
    assert counts["enterprises"] == {"": 3, "21004": 1, "21005": 1, "21001": 1}  # E1, E3, E6
    # S1 (E1's establishment, 43211 of its own) is the one establishment in the Region
    assert counts["establishments"] == {"": 1, "21004": 1}
    # summing per prefix (the old way) counted E3 twice
    per_prefix = sum(enterprise_search(nace=p, limit=0)[0] for p in ("4321", "621"))
    assert per_prefix == 4
    # E2's establishments have no activity of their own: they count by E2's (10711); E2 is
    # present in two municipalities: once in each, once in the total
    bread = enterprise_counts_by_nace_prefixes(prefixes=["10"])
    assert bread["enterprises"] == {"": 1, "21009": 1, "21012": 1}
    assert bread["establishments"] == {"": 2, "21009": 1, "21012": 1}
    # nothing, and no prefix at all
    assert enterprise_counts_by_nace_prefixes(prefixes=["99"])["enterprises"] == {"": 0}
    assert enterprise_counts_by_nace_prefixes(prefixes=[])["enterprises"] == {"": 0}


def test_counts_in_a_sector_follow_the_overrides(imported, staff_user):  # noqa: F811
    from economy.services import classification_override_set

    assert enterprise_counts_by_nace_prefixes(prefixes=["621"], sector="digital")[
        "enterprises"
    ] == {"": 2, "21005": 1, "21001": 1}  # E3, E6 (62100 SECO)
    classification_override_set(
        user=staff_user, enterprise_number=E6, sectors=["creative"], reason="test"
    )
    counts = enterprise_counts_by_nace_prefixes(prefixes=["621"], sector="digital")
    assert counts["enterprises"] == {"": 1, "21005": 1}
    assert counts == {**direct(["621"], "digital"), "snapshot": counts["snapshot"]}


def test_counts_without_a_store(kbo_data_dir):
    counts = enterprise_counts_by_nace_prefixes(prefixes=["10"])
    assert counts == {"snapshot": None, "enterprises": {}, "establishments": {}}


def test_one_query_per_call(imported, monkeypatch):  # noqa: F811
    from economy import kbo_store

    calls = []
    real = kbo_store.reader

    class Counting:
        def __init__(self, cursor):
            self.cursor = cursor

        def execute(self, *args, **kwargs):
            calls.append(args[0])
            return self.cursor.execute(*args, **kwargs)

        def close(self):
            calls.append("close")
            self.cursor.close()

    monkeypatch.setattr(kbo_store, "reader", lambda path: Counting(real(path)))
    enterprise_counts_by_nace_prefixes(prefixes=["4321", "621", "10", "9"])
    assert len(calls) == 2 and calls[-1] == "close"
