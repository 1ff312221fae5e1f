"""The queue's index gains the id, its order's tie-break: a page's ids are read from the index alone.

With 100,000 notes, 95 % of them reviewed, PostgreSQL answered the "Traitées" tab by walking the global
(status, submitted_at) index and dropping other portfolios' rows (56 ms for the second page); with this
index it reads the portfolio's entries and sorts them (under 1 ms). The new index is built before the
old one goes, so the queue never runs without one.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('declarations', '0005_declaration_queue_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='declaration',
            index=models.Index(fields=['beneficiary', 'status', 'submitted_at', 'id'], name='declaration_queue_page_idx'),
        ),
        migrations.RemoveIndex(
            model_name='declaration',
            name='declaration_queue_idx',
        ),
    ]
