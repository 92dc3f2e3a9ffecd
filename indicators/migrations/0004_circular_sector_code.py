"""One sector vocabulary: Table 1's 'circular-repair' disaggregation value becomes the reference
sector code 'circular' (stored observations and their keys follow; no figure changes)."""

from django.db import migrations

OLD, NEW = "circular-repair", "circular"


def _key(values: dict) -> str:
    return ";".join(f"{k}={v}" for k, v in sorted(values.items()) if v)


def forward(apps, schema_editor, old=OLD, new=NEW):
    DisaggregationValue = apps.get_model("indicators", "DisaggregationValue")
    Observation = apps.get_model("indicators", "Observation")
    Sector = apps.get_model("reference", "Sector")
    sector = Sector.objects.filter(slug="circular").first()
    for value in DisaggregationValue.objects.filter(disaggregation__code="sector", code=old):
        value.code = new
        if new == NEW and sector is not None:
            value.sector = sector
        value.save(update_fields=["code", "sector"])
    for observation in Observation.objects.filter(disaggregation_key__contains=f"sector={old}"):
        if observation.disaggregation.get("sector") != old:
            continue
        observation.disaggregation = {**observation.disaggregation, "sector": new}
        observation.disaggregation_key = _key(observation.disaggregation)
        observation.save(update_fields=["disaggregation", "disaggregation_key"])


def backward(apps, schema_editor):
    forward(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_sector_organisation_in_reference"),
        ("reference", "0003_sector_kind_short_names"),
    ]

    operations = [migrations.RunPython(forward, backward)]
