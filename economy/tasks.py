"""Work of the productive economy that runs outside requests, on the task runner (core.tasks).

After a classification override (or a mapping change made in the admin), the figures of the
current snapshot are recomputed by `figures_refresh`, queued once: several overrides in a row
while one refresh is still waiting give one refresh.
"""

from __future__ import annotations

from core.tasks import enqueue_once, idempotent_task


@idempotent_task(key=lambda snapshot_id, **_: snapshot_id)
def figures_refresh(snapshot_id: int) -> int:
    """Recompute one snapshot's figures with today's mapping and overrides (reclassifying its
    store first when the mapping's rules changed). Returns the number of figure rows."""
    from .models import KboSnapshot
    from .services import snapshot_figures_refresh

    snapshot = KboSnapshot.objects.filter(pk=snapshot_id).first()
    if snapshot is None:
        return 0
    return snapshot_figures_refresh(snapshot=snapshot)


def enqueue_figures_refresh(snapshot_id: int) -> str:
    """Queue `figures_refresh(snapshot_id)` for the task worker; returns the task result id."""
    result, _created = enqueue_once(figures_refresh, snapshot_id)
    return str(result.id)
