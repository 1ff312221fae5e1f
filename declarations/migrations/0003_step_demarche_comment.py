from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0002_audio_retention_erasure_record"),
    ]

    operations = [
        migrations.AddField(
            model_name="step",
            name="demarche_comment",
            field=models.CharField(blank=True, max_length=16),
        ),
    ]
