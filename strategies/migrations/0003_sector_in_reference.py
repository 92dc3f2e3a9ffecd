"""Sector moved to the reference app (state only; the tables are unchanged)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reference', '0001_take_over_plan_tables'),
        ('strategies', '0002_item_actions_steering'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='document',
                    name='sectors',
                    field=models.ManyToManyField(blank=True, related_name='documents', to='reference.sector', verbose_name='sectors'),
                ),
                migrations.AlterField(
                    model_name='item',
                    name='sectors',
                    field=models.ManyToManyField(blank=True, related_name='strategy_items', to='reference.sector', verbose_name='sectors'),
                ),
            ],
        ),
    ]
