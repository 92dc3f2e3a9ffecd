"""Organisation moved to the reference app (state only; the column is unchanged)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('reference', '0001_take_over_plan_tables'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='historicalprofile',
                    name='organisation',
                    field=models.ForeignKey(blank=True, db_constraint=False, help_text='Required for coordinators: they report on the measures this organisation coordinates.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.organisation', verbose_name='organisation'),
                ),
                migrations.AlterField(
                    model_name='profile',
                    name='organisation',
                    field=models.ForeignKey(blank=True, help_text='Required for coordinators: they report on the measures this organisation coordinates.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='members', to='reference.organisation', verbose_name='organisation'),
                ),
            ],
        ),
    ]
