import django.db.models.deletion
from django.db import migrations, models


def case_violence_fill(apps, schema_editor):
    """Each case's types and modalities of violence, from its incidents' classification."""
    Incident = apps.get_model("cases", "Incident")
    quote = schema_editor.quote_name
    for field, catalog, target, column in (
        ("violence_types", "violencetype", "CaseViolenceType", "violence_type_id"),
        ("violence_modalities", "violencemodality", "CaseViolenceModality", "violence_modality_id"),
    ):
        through = Incident._meta.get_field(field).remote_field.through._meta
        catalog_column = through.get_field(catalog).column
        incident_column = through.get_field("incident").column
        table = apps.get_model("cases", target)._meta.db_table
        # Identifiers only, from the models and quoted: no value is interpolated.
        schema_editor.execute(
            f"INSERT INTO {quote(table)} (case_id, {quote(column)}) "  # noqa: S608
            f"SELECT DISTINCT i.case_id, t.{quote(catalog_column)} "
            f"FROM {quote(Incident._meta.db_table)} i "
            f"JOIN {quote(through.db_table)} t ON t.{quote(incident_column)} = i.id"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_case_next_deadline"),
        ("catalogs", "0003_dependencia_parent"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseViolenceModality",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cases.case",
                    ),
                ),
                (
                    "violence_modality",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="catalogs.violencemodality",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("violence_modality", "case"), name="case_violence_modality_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="CaseViolenceType",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cases.case",
                    ),
                ),
                (
                    "violence_type",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="catalogs.violencetype",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("violence_type", "case"), name="case_violence_type_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(case_violence_fill, migrations.RunPython.noop, elidable=True),
    ]
