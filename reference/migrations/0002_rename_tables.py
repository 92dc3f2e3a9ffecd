"""The taken-over tables get the reference app's names; content types follow, so admin log entries
and permissions keep pointing at the same rows."""

from django.db import migrations

MODELS = (
    "sector",
    "organisation",
    "organisationalias",
    "historicalsector",
    "historicalorganisation",
    "historicalorganisationalias",
)


def content_types_forward(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="reference", model=model).exists():
            ContentType.objects.filter(app_label="plan", model=model).update(app_label="reference")


def content_types_backward(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label="plan", model=model).exists():
            ContentType.objects.filter(app_label="reference", model=model).update(app_label="plan")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reference", "0001_take_over_plan_tables"),
        ("plan", "0002_move_sector_organisation_to_reference"),
    ]

    operations = [
        *(migrations.AlterModelTable(name=model, table=None) for model in MODELS),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
