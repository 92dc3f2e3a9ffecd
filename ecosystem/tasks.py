"""Background work of the ecosystem map (core.tasks; run by `bruprod db_worker`)."""

from core.tasks import idempotent_task


@idempotent_task
def compute_metrics(period: str) -> dict:
    """Compute and store the network metrics of a period (idempotent: a rerun replaces them)."""
    from .services import metrics_compute

    run = metrics_compute(period=period)
    return {"period": run.period, "nodes": run.nodes, "edges": run.edges}


@idempotent_task
def compute_register_counts() -> int:
    """Register counts per sector × stage × municipality for the current snapshot: one
    economy.selectors.enterprise_counts_by_nace_prefixes query per stage."""
    from .services import register_counts_compute

    return register_counts_compute()
