import uuid

from django.db import migrations, models


def first_token(apps, schema_editor):
    """The catalogs already loaded get a token, so their reads are remembered from the start."""
    generation = apps.get_model("catalogs", "CatalogGeneration")
    generation.objects.using(schema_editor.connection.alias).get_or_create(
        id=1, defaults={"token": uuid.uuid4()}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalogs", "0003_dependencia_parent"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogGeneration",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("token", models.UUIDField()),
                ("changed_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "versión de los catálogos",
                "verbose_name_plural": "versiones de los catálogos",
            },
        ),
        migrations.RunPython(first_token, migrations.RunPython.noop),
    ]
