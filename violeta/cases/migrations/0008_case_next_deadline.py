import uuid

from django.conf import settings
from django.db import migrations, models
from django.db.models import Min

BATCH = 2000


def next_deadlines_fill(apps, schema_editor):
    """Each case's earliest unmet protocol deadline, from the deadlines already written."""
    Case = apps.get_model("cases", "Case")
    Deadline = apps.get_model("protocols", "Deadline")
    rows = (
        Deadline.objects.filter(met_at__isnull=True, run__subject_type="cases.Case")
        .values("run__subject_id")
        .annotate(first=Min("due_at"))
        .order_by()
    )
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        batch.append(Case(pk=uuid.UUID(row["run__subject_id"]), next_deadline_at=row["first"]))
        if len(batch) == BATCH:
            Case.objects.bulk_update(batch, ["next_deadline_at"])
            batch = []
    if batch:
        Case.objects.bulk_update(batch, ["next_deadline_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_inbox_indexes"),
        ("catalogs", "0003_dependencia_parent"),
        ("crypto", "0001_initial"),
        ("protocols", "0002_run_stage_deadline_unmet_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="next_deadline_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="próximo plazo del protocolo"
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("next_deadline_at__isnull", False)),
                fields=["next_deadline_at"],
                name="case_next_deadline_idx",
            ),
        ),
        migrations.RunPython(next_deadlines_fill, migrations.RunPython.noop, elidable=True),
    ]
