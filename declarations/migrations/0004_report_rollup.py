"""The managers' report roll-up (see declarations/rollup.py), built from the data already there."""

import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models


def build_rollup(apps, schema_editor):  # type: ignore[no-untyped-def]
    from declarations.rollup import rebuild_from

    rebuild_from(
        beneficiaries=apps.get_model("declarations", "Beneficiary").objects,
        steps=apps.get_model("declarations", "Step").objects,
        declarations=apps.get_model("declarations", "Declaration").objects,
        step_weeks=apps.get_model("declarations", "ReportStepWeek"),
        declaration_weeks=apps.get_model("declarations", "ReportDeclarationWeek"),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('declarations', '0003_step_demarche_comment'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReportDeclarationWeek',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('week', models.DateField(verbose_name='semaine (lundi)')),
                ('status', models.CharField(choices=[('received', 'reçue'), ('transcribing', 'transcription en cours'), ('extracting', 'analyse en cours'), ('to_confirm', 'à confirmer'), ('submitted', 'envoyée au conseiller'), ('reviewed', 'traitée par le conseiller'), ('failed', 'échec')], max_length=16, verbose_name='statut')),
                ('declarations', models.PositiveIntegerField(default=0)),
                ('steps_pending', models.PositiveIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'agrégat hebdomadaire de déclarations',
                'verbose_name_plural': 'agrégats hebdomadaires de déclarations',
            },
        ),
        migrations.CreateModel(
            name='ReportStepWeek',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('week', models.DateField(verbose_name='semaine (lundi)')),
                ('category', models.CharField(blank=True, choices=[('EMPLOI', 'Emploi'), ('PROJET_PROFESSIONNEL', 'Projet professionnel'), ('FORMATION', 'Formation'), ('CITOYENNETE', 'Citoyenneté'), ('LOGEMENT', 'Logement'), ('SANTE', 'Santé'), ('CULTURE_SPORT_LOISIRS', 'Loisir, sport, culture'), ('NON_SNP', 'Action non comptabilisée')], max_length=32, verbose_name='catégorie')),
                ('steps_pending', models.PositiveIntegerField(default=0)),
                ('steps_validated', models.PositiveIntegerField(default=0)),
                ('steps_rejected', models.PositiveIntegerField(default=0)),
                ('validated_hours', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=9)),
            ],
            options={
                'verbose_name': 'agrégat hebdomadaire de démarches',
                'verbose_name_plural': 'agrégats hebdomadaires de démarches',
            },
        ),
        migrations.AddIndex(
            model_name='declaration',
            index=models.Index(fields=['reviewed_at', 'submitted_at', 'beneficiary'], name='declaration_reviewed_idx'),
        ),
        migrations.AddField(
            model_name='reportdeclarationweek',
            name='beneficiary',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='declarations.beneficiary'),
        ),
        migrations.AddField(
            model_name='reportstepweek',
            name='beneficiary',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='declarations.beneficiary'),
        ),
        migrations.AddIndex(
            model_name='reportdeclarationweek',
            index=models.Index(fields=['status'], name='report_declaration_week_status'),
        ),
        migrations.AddConstraint(
            model_name='reportdeclarationweek',
            constraint=models.UniqueConstraint(fields=('week', 'beneficiary', 'status'), name='unique_report_declaration_week'),
        ),
        migrations.AddConstraint(
            model_name='reportstepweek',
            constraint=models.UniqueConstraint(fields=('week', 'beneficiary', 'category'), name='unique_report_step_week'),
        ),
        migrations.RunPython(build_rollup, migrations.RunPython.noop),
    ]
