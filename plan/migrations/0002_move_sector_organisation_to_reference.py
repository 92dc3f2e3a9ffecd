"""Sector, Organisation and OrganisationAlias now belong to the reference app (state only)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_organisation_in_reference'),
        ('indicators', '0003_sector_organisation_in_reference'),
        ('monitoring', '0003_organisation_in_reference'),
        ('plan', '0001_initial'),
        ('reference', '0001_take_over_plan_tables'),
        ('strategies', '0003_sector_in_reference'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='historicalorganisationalias',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalorganisationalias',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='historicalsector',
                    name='history_user',
                ),
                migrations.AlterField(
                    model_name='measurecoordination',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='coordinations', to='reference.organisation', verbose_name='organisation'),
                ),
                migrations.RemoveField(
                    model_name='organisationalias',
                    name='organisation',
                ),
                migrations.AlterField(
                    model_name='historicalmeasurecoordination',
                    name='organisation',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.organisation', verbose_name='organisation'),
                ),
                migrations.AlterField(
                    model_name='measure',
                    name='sector',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='measures', to='reference.sector', verbose_name='sector'),
                ),
                migrations.AlterField(
                    model_name='plannode',
                    name='sector',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='nodes', to='reference.sector', verbose_name='sector'),
                ),
                migrations.AlterField(
                    model_name='historicalmeasure',
                    name='sector',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.sector', verbose_name='sector'),
                ),
                migrations.AlterField(
                    model_name='historicalplannode',
                    name='sector',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.sector', verbose_name='sector'),
                ),
                migrations.DeleteModel(
                    name='HistoricalOrganisation',
                ),
                migrations.DeleteModel(
                    name='HistoricalOrganisationAlias',
                ),
                migrations.DeleteModel(
                    name='HistoricalSector',
                ),
                migrations.DeleteModel(
                    name='OrganisationAlias',
                ),
                migrations.DeleteModel(
                    name='Organisation',
                ),
                migrations.DeleteModel(
                    name='Sector',
                ),
            ],
        ),
    ]
