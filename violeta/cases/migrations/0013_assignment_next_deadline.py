from django.conf import settings
from django.db import migrations, models


def next_deadlines_copy(apps, schema_editor):
    """Each active assignment takes its case's next deadline (only cases that have one)."""
    Case = apps.get_model("cases", "Case")
    CaseAssignment = apps.get_model("cases", "CaseAssignment")
    dated = Case.objects.filter(next_deadline_at__isnull=False)
    CaseAssignment.objects.filter(ended_at__isnull=True, case__in=dated.values("pk")).update(
        next_deadline_at=models.Subquery(
            Case.objects.filter(pk=models.OuterRef("case_id")).values("next_deadline_at")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_party_identifier_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="caseassignment",
            name="next_deadline_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="próximo plazo del protocolo"
            ),
        ),
        migrations.RunPython(next_deadlines_copy, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="caseassignment",
            index=models.Index(
                condition=models.Q(("ended_at__isnull", True), ("next_deadline_at__isnull", False)),
                fields=["user", "next_deadline_at", "case"],
                name="assignment_user_deadline_idx",
            ),
        ),
    ]
