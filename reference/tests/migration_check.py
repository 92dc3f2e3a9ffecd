"""Run as a script by test_migration.py, in a throw-away database: build the schema as it was
before the reference app (the current main's plan/accounts/monitoring/indicators/strategies
migrations), write organisations, printed forms, sectors, history rows and rows that point at
them, migrate to the latest state, and print what is found, as JSON."""

import json
import os
import sys

import django

PRE_MOVE = [
    ("plan", "0001_initial"),
    ("accounts", "0001_initial"),
    ("monitoring", "0002_reminderlog"),
    ("indicators", "0002_kbo_units"),
    ("strategies", "0002_item_actions_steering"),
    ("contenttypes", "0002_remove_content_type_name"),
    ("auth", "0012_alter_user_first_name_max_length"),
]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    django.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(PRE_MOVE)
    old = MigrationExecutor(connection).loader.project_state(PRE_MOVE).apps
    ContentType = old.get_model("contenttypes", "ContentType")
    ct = ContentType.objects.create(app_label="plan", model="organisation")
    Organisation = old.get_model("plan", "Organisation")
    Alias = old.get_model("plan", "OrganisationAlias")
    HistoricalOrganisation = old.get_model("plan", "HistoricalOrganisation")
    Sector = old.get_model("plan", "Sector")
    User = old.get_model("auth", "User")
    Profile = old.get_model("accounts", "Profile")
    Organisation.objects.create(id=41, slug="filler", name_nl="Filler", type="other")
    org = Organisation.objects.create(
        id=42, slug="actiris", name_nl="Actiris", type="public_agency", version=3
    )
    Alias.objects.create(id=7, organisation=org, printed="ACTIRIS", folded="actiris")
    sector = Sector.objects.create(
        id=5, slug="health", code_prefix="S", name_nl="Gezondheidssector"
    )
    from django.utils import timezone

    for n, name in enumerate(["Actiris (old)", "Actiris"]):
        HistoricalOrganisation.objects.create(
            id=42,
            slug="actiris",
            name_nl=name,
            type="public_agency",
            version=n + 1,
            created_at=timezone.now(),
            updated_at=timezone.now(),
            history_date=timezone.now(),
            history_type="~",
            history_change_reason=f"edit {n}",
        )
    user = User.objects.create(username="anna", password="!")
    Profile.objects.create(user=user, role="coordinator", organisation=org)
    Document = old.get_model("strategies", "Document")
    fields = {f.name for f in Document._meta.get_fields()}
    doc = None
    if "sectors" in fields:
        required = {
            f.name: "x"
            for f in Document._meta.concrete_fields
            if not f.null and not f.has_default() and not f.blank and f.name != "id"
        }
        doc = Document.objects.create(**required)
        doc.sectors.add(sector)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from accounts.models import Profile as NewProfile
    from reference.models import Organisation as NewOrganisation
    from reference.models import Sector as NewSector
    from strategies.models import Document as NewDocument

    new = NewOrganisation.objects.get(slug="actiris")
    ct.refresh_from_db()
    print(
        json.dumps(
            {
                "organisation_id": new.pk,
                "version": new.version,
                "aliases": [(a.pk, a.printed) for a in new.aliases.all()],
                "history": sorted(h.history_change_reason for h in new.history.all()),
                "profile_organisation": NewProfile.objects.get(
                    user__username="anna"
                ).organisation_id,
                "sector": [
                    NewSector.objects.get(slug="health").pk,
                    NewSector.objects.get(slug="health").kind,
                ],
                "document_sectors": (
                    [s.slug for s in NewDocument.objects.get(pk=doc.pk).sectors.all()]
                    if doc
                    else None
                ),
                "content_type": ct.app_label,
                "tables": sorted(
                    t for t in connection.introspection.table_names() if "organisation" in t
                ),
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
