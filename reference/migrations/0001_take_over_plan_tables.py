"""The plan app's Sector, Organisation and OrganisationAlias tables (and their history tables)
become the reference app's, in the migration state only: no row, id or history entry moves.
Migration 0002 renames the tables."""

import core.models
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('plan', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Organisation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                        ('slug', models.SlugField(max_length=80, unique=True, verbose_name='slug')),
                        ('name_nl', models.CharField(max_length=300, verbose_name='name (nl)')),
                        ('name_fr', models.CharField(blank=True, max_length=300, verbose_name='name (fr)')),
                        ('name_en', models.CharField(blank=True, max_length=300, verbose_name='name (en)')),
                        ('acronym', models.CharField(blank=True, max_length=60, verbose_name='acronym')),
                        ('type', models.CharField(choices=[('government', 'Government'), ('administration', 'Administration'), ('public_agency', 'Public agency'), ('public_company', 'Public company'), ('cluster', 'Cluster'), ('incubator', 'Incubator'), ('research_centre', 'Research centre'), ('university', 'University or college'), ('training_centre', 'Training centre'), ('federation', 'Sector federation'), ('social_partner', 'Social partner'), ('network', 'Network or platform'), ('company', 'Company'), ('fund', 'Fund'), ('to_be_created', 'To be created or determined'), ('other', 'Other')], max_length=30, verbose_name='type')),
                        ('website', models.URLField(blank=True, verbose_name='website')),
                        ('description_nl', models.TextField(blank=True, verbose_name='description (nl)')),
                        ('description_fr', models.TextField(blank=True, verbose_name='description (fr)')),
                        ('description_en', models.TextField(blank=True, verbose_name='description (en)')),
                    ],
                    options={
                    'db_table': 'plan_organisation',
                   
                        'verbose_name': 'organisation',
                        'verbose_name_plural': 'organisations',
                        'ordering': ['name_nl'],
                    },
                    bases=(core.models.TranslatedMixin, models.Model),
                ),
                migrations.CreateModel(
                    name='Sector',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(unique=True, verbose_name='slug')),
                        ('code_prefix', models.CharField(blank=True, max_length=4, verbose_name='measure code prefix')),
                        ('name_nl', models.CharField(max_length=200, verbose_name='name (nl)')),
                        ('name_fr', models.CharField(blank=True, max_length=200, verbose_name='name (fr)')),
                        ('name_en', models.CharField(blank=True, max_length=200, verbose_name='name (en)')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                    ],
                    options={
                    'db_table': 'plan_sector',
                   
                        'verbose_name': 'sector',
                        'verbose_name_plural': 'sectors',
                        'ordering': ['order'],
                    },
                    bases=(core.models.TranslatedMixin, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalOrganisation',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                        ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                        ('slug', models.SlugField(max_length=80, verbose_name='slug')),
                        ('name_nl', models.CharField(max_length=300, verbose_name='name (nl)')),
                        ('name_fr', models.CharField(blank=True, max_length=300, verbose_name='name (fr)')),
                        ('name_en', models.CharField(blank=True, max_length=300, verbose_name='name (en)')),
                        ('acronym', models.CharField(blank=True, max_length=60, verbose_name='acronym')),
                        ('type', models.CharField(choices=[('government', 'Government'), ('administration', 'Administration'), ('public_agency', 'Public agency'), ('public_company', 'Public company'), ('cluster', 'Cluster'), ('incubator', 'Incubator'), ('research_centre', 'Research centre'), ('university', 'University or college'), ('training_centre', 'Training centre'), ('federation', 'Sector federation'), ('social_partner', 'Social partner'), ('network', 'Network or platform'), ('company', 'Company'), ('fund', 'Fund'), ('to_be_created', 'To be created or determined'), ('other', 'Other')], max_length=30, verbose_name='type')),
                        ('website', models.URLField(blank=True, verbose_name='website')),
                        ('description_nl', models.TextField(blank=True, verbose_name='description (nl)')),
                        ('description_fr', models.TextField(blank=True, verbose_name='description (fr)')),
                        ('description_en', models.TextField(blank=True, verbose_name='description (en)')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                    'db_table': 'plan_historicalorganisation',
                   
                        'verbose_name': 'historical organisation',
                        'verbose_name_plural': 'historical organisations',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalSector',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('slug', models.SlugField(verbose_name='slug')),
                        ('code_prefix', models.CharField(blank=True, max_length=4, verbose_name='measure code prefix')),
                        ('name_nl', models.CharField(max_length=200, verbose_name='name (nl)')),
                        ('name_fr', models.CharField(blank=True, max_length=200, verbose_name='name (fr)')),
                        ('name_en', models.CharField(blank=True, max_length=200, verbose_name='name (en)')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                    'db_table': 'plan_historicalsector',
                   
                        'verbose_name': 'historical sector',
                        'verbose_name_plural': 'historical sectors',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalOrganisationAlias',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('printed', models.CharField(db_index=True, max_length=300, verbose_name='printed form')),
                        ('folded', models.CharField(db_index=True, editable=False, max_length=300, verbose_name='search key')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('organisation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reference.organisation', verbose_name='organisation')),
                    ],
                    options={
                    'db_table': 'plan_historicalorganisationalias',
                   
                        'verbose_name': 'historical printed form',
                        'verbose_name_plural': 'historical printed forms',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='OrganisationAlias',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('printed', models.CharField(max_length=300, unique=True, verbose_name='printed form')),
                        ('folded', models.CharField(db_index=True, editable=False, max_length=300, verbose_name='search key')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='aliases', to='reference.organisation', verbose_name='organisation')),
                    ],
                    options={
                    'db_table': 'plan_organisationalias',
                   
                        'verbose_name': 'printed form',
                        'verbose_name_plural': 'printed forms',
                        'ordering': ['printed'],
                    },
                ),
            ],
        ),
    ]
