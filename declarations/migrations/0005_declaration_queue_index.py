"""The counsellor queue reads a portfolio's notes of one status by sending date: one index for it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('declarations', '0004_report_rollup'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='declaration',
            index=models.Index(fields=['beneficiary', 'status', 'submitted_at'], name='declaration_queue_idx'),
        ),
    ]
