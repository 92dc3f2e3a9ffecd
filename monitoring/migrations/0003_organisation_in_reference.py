"""Organisation moved to the reference app (state only; the column is unchanged)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0002_reminderlog'),
        ('reference', '0001_take_over_plan_tables'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='historicalreport',
                    name='organisation',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.organisation', verbose_name='reporting body'),
                ),
                migrations.AlterField(
                    model_name='report',
                    name='organisation',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='reference.organisation', verbose_name='reporting body'),
                ),
            ],
        ),
    ]
