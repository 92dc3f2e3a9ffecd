"""Sector and Organisation moved to the reference app (state only; the columns are unchanged)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0002_kbo_units'),
        ('reference', '0001_take_over_plan_tables'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='disaggregationvalue',
                    name='sector',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='indicator_values', to='reference.sector', verbose_name='plan sector'),
                ),
                migrations.AlterField(
                    model_name='historicalindicator',
                    name='owner',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.organisation', verbose_name='owner'),
                ),
                migrations.AlterField(
                    model_name='historicalindicator_sectors',
                    name='sector',
                    field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.sector'),
                ),
                migrations.AlterField(
                    model_name='indicator',
                    name='owner',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='owned_indicators', to='reference.organisation', verbose_name='owner'),
                ),
                migrations.AlterField(
                    model_name='indicator',
                    name='sectors',
                    field=models.ManyToManyField(blank=True, related_name='indicators', to='reference.sector', verbose_name='sectors'),
                ),
            ],
        ),
    ]
