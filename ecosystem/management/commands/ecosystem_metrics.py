import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ecosystem.selectors import period_bounds
from ecosystem.services import metrics_compute


class Command(BaseCommand):
    help = "Compute and store the network metrics of a period (a year), and print them."

    def add_arguments(self, parser):
        parser.add_argument("--period", default=str(timezone.localdate().year))
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, period, format, **options):
        try:
            period_bounds(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        run = metrics_compute(period=period)
        if format == "text":
            self.stdout.write(
                f"{run.period}: {run.nodes} actors, {run.edges} relations, density "
                f"{run.density:.6f}, {run.components} components, {run.communities} communities "
                f"({run.seconds:.1f} s)"
            )
            return
        actors = [
            {
                "id": m["actor__key"],
                "label": m["actor__name_nl"],
                "degree": m["degree"],
                "in_degree": m["in_degree"],
                "out_degree": m["out_degree"],
                "weighted_degree": m["weighted_degree"],
                "pagerank": m["pagerank"],
                "betweenness": m["betweenness"],
                "community": m["community"],
                "broker": m["broker"],
                "two_step_reach": m["two_step_reach"],
            }
            for m in run.actor_metrics.order_by("actor__key")
            .values(
                "actor__key",
                "actor__name_nl",
                "degree",
                "in_degree",
                "out_degree",
                "weighted_degree",
                "pagerank",
                "betweenness",
                "community",
                "broker",
                "two_step_reach",
            )
            .iterator(chunk_size=10000)
        ]
        graph = {
            "period": run.period,
            "nodes": run.nodes,
            "edges": run.edges,
            "density": run.density,
            "components": run.components,
            "reciprocity": run.reciprocity,
            "communities": run.communities,
            "method": run.method,
        }
        self.stdout.write(json.dumps({"graph": graph, "actors": actors}, ensure_ascii=False))
