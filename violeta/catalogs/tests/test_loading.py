import datetime
import textwrap
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from violeta.catalogs import selectors
from violeta.catalogs.loader import CatalogFileError, default_files
from violeta.catalogs.models import (
    CATALOG_MODELS,
    Dependencia,
    Institution,
    Law,
    Principle,
    ViolenceModality,
    ViolenceType,
    VulnerableGroup,
)
from violeta.catalogs.services import catalogs_load

pytestmark = pytest.mark.django_db

TYPES = """\
catalog: violence_types
law: lgamvlv
source: Ley General de Acceso de las Mujeres a una Vida Libre de Violencia
entries:
  - code: psicologica
    name: {es: Psicológica, en: Psychological}
    description: {es: Cualquier acto u omisión que dañe la estabilidad psicológica., en: Any act.}
    legal_source: LGAMVLV art. 6, fracc. I
    effective_date: 2007-02-02
  - code: fisica
    name: {es: Física, en: Physical}
    description: {es: Cualquier acto que inflige daño no accidental., en: Any act.}
    legal_source: LGAMVLV art. 6, fracc. II
    effective_date: 2007-02-02
"""

DEPENDENCIAS = """\
catalog: dependencias
source: Gobierno Municipal de Chihuahua
entries:
  - code: imm
    name: {es: Instituto Municipal de las Mujeres}
    description: {es: Atiende la violencia de género.}
    legal_source: Acuerdo de creación
    effective_date: 2005-01-01
    short_name: IMM
    kind: instituto
    is_imm: true
    phone: "072"
    extension: "2604"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def snapshot() -> list[tuple]:
    return [
        tuple(model.objects.order_by("pk").values_list())
        for model in (ViolenceType, ViolenceModality, Dependencia, Institution, Principle)
    ]


def test_loading_twice_changes_nothing(tmp_path):
    files = [write(tmp_path, "types.yaml", TYPES), write(tmp_path, "deps.yaml", DEPENDENCIAS)]
    first = catalogs_load(paths=files)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    before = snapshot()
    second = catalogs_load(paths=files)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert snapshot() == before


def test_an_edited_entry_is_updated_in_place(tmp_path):
    path = write(tmp_path, "types.yaml", TYPES)
    catalogs_load(paths=[path])
    write(tmp_path, "types.yaml", TYPES.replace("Any act.}", "Any act at all.}", 1))
    report = catalogs_load(paths=[path])
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert ViolenceType.objects.get(code="psicologica").description_en == "Any act at all."


def test_a_reform_adds_a_version_and_the_date_decides_which_is_in_force(tmp_path):
    reformed = TYPES + (
        "  - code: psicologica\n"
        "    name: {es: Psicológica (reformada)}\n"
        "    description: {es: Texto reformado.}\n"
        "    legal_source: LGAMVLV art. 6, fracc. I\n"
        "    effective_date: 2024-01-17\n"
    )
    catalogs_load(paths=[write(tmp_path, "types.yaml", reformed)])
    assert ViolenceType.objects.filter(code="psicologica").count() == 2
    on_2020 = {
        t.code: t.name_es
        for t in selectors.violence_types(law=Law.LGAMVLV, on=datetime.date(2020, 1, 1))
    }
    on_2025 = {
        t.code: t.name_es
        for t in selectors.violence_types(law=Law.LGAMVLV, on=datetime.date(2025, 1, 1))
    }
    assert on_2020["psicologica"] == "Psicológica"
    assert on_2025["psicologica"] == "Psicológica (reformada)"


def test_missing_field_names_file_entry_and_field_and_loads_nothing(tmp_path):
    good = write(tmp_path, "deps.yaml", DEPENDENCIAS)
    broken = write(
        tmp_path, "types.yaml", TYPES.replace("    legal_source: LGAMVLV art. 6, fracc. II\n", "")
    )
    with pytest.raises(CatalogFileError) as caught:
        catalogs_load(paths=[good, broken])
    assert caught.value.problems == [
        "types.yaml: entry 2 (code 'fisica', line 10): field legal_source: Field required"
    ]
    assert not Dependencia.objects.exists()
    assert not ViolenceType.objects.exists()


def test_a_bad_file_leaves_previously_loaded_rows_untouched(tmp_path):
    path = write(tmp_path, "types.yaml", TYPES)
    catalogs_load(paths=[path])
    before = snapshot()
    write(
        tmp_path,
        "types.yaml",
        TYPES.replace("Psicológica, en", "Psicológica 2, en").replace(
            "code: fisica", "code: Física"
        ),
    )
    with pytest.raises(CatalogFileError, match=r"entry 2 .* field code"):
        catalogs_load(paths=[path])
    assert snapshot() == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("entries: [", "types.yaml: line"),
        ("- just a list\n", "must be a mapping"),
        (TYPES.replace("catalog: violence_types", "catalog: recetas"), "field catalog"),
        (TYPES.replace("law: lgamvlv\n", ""), "law is required"),
        (
            TYPES.replace("effective_date: 2007-02-02", "effective_date: ayer", 1),
            "field effective_date",
        ),
        (TYPES + "    colour: violet\n", "field colour: Extra inputs are not permitted"),
        (TYPES.replace("code: fisica", "code: psicologica"), "duplicates entry 1"),
        (
            TYPES.replace(
                "effective_date: 2007-02-02\n  - code: fisica",
                "effective_date: 2007-02-02\n    repealed_date: 2001-01-01\n  - code: fisica",
            ),
            "repealed_date must be after effective_date",
        ),
    ],
    ids=["yaml", "not-mapping", "catalog", "law", "date", "extra", "duplicate", "repealed"],
)
def test_malformed_files_are_rejected_with_a_precise_message(tmp_path, text, expected):
    path = write(tmp_path, "types.yaml", text)
    with pytest.raises(CatalogFileError, match=expected):
        catalogs_load(paths=[path])
    assert not ViolenceType.objects.exists()


def test_the_same_entry_in_two_files_is_rejected(tmp_path):
    a = write(tmp_path, "a.yaml", TYPES)
    b = write(tmp_path, "b.yaml", TYPES)
    with pytest.raises(CatalogFileError, match=r"also defined in a\.yaml"):
        catalogs_load(paths=[a, b])


def test_command_exits_non_zero_naming_file_and_entry(tmp_path):
    broken = write(
        tmp_path, "types.yaml", TYPES.replace("    legal_source: LGAMVLV art. 6, fracc. I\n", "")
    )
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_catalogs", str(broken), stderr=err)
    assert "types.yaml: entry 1 (code 'psicologica', line 5): field legal_source" in err.getvalue()
    assert not ViolenceType.objects.exists()


def test_command_reports_counts(tmp_path):
    out = StringIO()
    call_command("load_catalogs", str(write(tmp_path, "types.yaml", TYPES)), stdout=out)
    assert "2 created, 0 updated, 0 unchanged" in out.getvalue()


class TestShippedCatalogs:
    def test_every_shipped_file_loads_and_reloading_changes_nothing(self):
        first = catalogs_load()
        assert first.created > 0
        second = catalogs_load()
        assert (second.created, second.updated) == (0, 0)

    def test_both_laws_have_their_own_types(self):
        catalogs_load()
        federal = {t.code for t in selectors.violence_types(law=Law.LGAMVLV)}
        chihuahua = {t.code for t in selectors.violence_types(law=Law.LEDMVLV)}
        assert {"vicaria", "psicologica", "fisica", "sexual"} <= federal
        assert "obstetrica" in chihuahua
        assert "obstetrica" not in federal
        assert "vicaria" not in chihuahua
        federal_modalities = {m.code for m in selectors.violence_modalities(law=Law.LGAMVLV)}
        chihuahua_modalities = {m.code for m in selectors.violence_modalities(law=Law.LEDMVLV)}
        assert "digital_mediatica" in federal_modalities
        assert "digital_mediatica" not in chihuahua_modalities
        assert {"familiar", "laboral_docente", "institucional", "politica"} <= chihuahua_modalities

    def test_imm_and_seed_dependencias_and_directory_are_present(self):
        catalogs_load()
        imm = selectors.imm()
        assert imm is not None
        assert (imm.phone, imm.extension) == ("072", "2604")
        codes = {d.code for d in selectors.dependencias()}
        assert {
            "dif_municipal",
            "instituto_cultura",
            "desarrollo_humano_educacion",
            "cultura_fisica_deporte",
        } <= codes
        institutions = {i.code for i in selectors.institutions()}
        assert {"fem", "cejum", "ceave", "cedh", "linea_911", "linea_089"} <= institutions
        assert len(selectors.principles()) >= 10
        assert VulnerableGroup.objects.filter(code="personas_indigenas").exists()

    def test_every_entry_names_its_legal_source(self):
        catalogs_load()
        for model in CATALOG_MODELS:
            assert not model._default_manager.filter(legal_source="").exists()

    def test_default_files_are_all_the_yaml_files_of_the_package(self):
        assert {path.name for path in default_files()} >= {
            "violence_types_lgamvlv.yaml",
            "violence_types_ledmvlv.yaml",
            "violence_modalities_lgamvlv.yaml",
            "violence_modalities_ledmvlv.yaml",
            "dependencias.yaml",
            "institutions.yaml",
            "principles.yaml",
            "vulnerable_groups.yaml",
        }


def test_a_load_gives_one_new_token_if_it_writes_and_none_if_it_does_not(tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from violeta.catalogs.models import CatalogGeneration

    def token():
        row = CatalogGeneration.objects.first()
        return row.token if row else None

    files = [write(tmp_path, "types.yaml", TYPES), write(tmp_path, "deps.yaml", DEPENDENCIAS)]
    before = token()
    with CaptureQueriesContext(connection) as captured:
        catalogs_load(paths=files)
    written = token()
    assert written is not None and written != before
    # One read per catalog, not per entry; the token once, not once per row.
    reads = [q for q in captured if "catalogs_violencetype" in q["sql"] and "SELECT" in q["sql"]]
    assert len(reads) == 1
    assert len([q for q in captured if "catalogs_cataloggeneration" in q["sql"]]) <= 3
    catalogs_load(paths=files)
    assert token() == written  # nothing changed, nothing to read afresh
    write(tmp_path, "types.yaml", TYPES.replace("Any act.}", "Any act at all.}", 1))
    catalogs_load(paths=files)
    assert token() != written


def test_a_failed_load_writes_no_token(tmp_path, monkeypatch):
    from violeta.catalogs.models import CatalogGeneration

    files = [write(tmp_path, "types.yaml", TYPES)]
    catalogs_load(paths=files)
    written = CatalogGeneration.objects.get().token
    write(tmp_path, "types.yaml", TYPES.replace("Any act.}", "Any act at all.}", 1))

    def fail(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ViolenceType, "full_clean", fail)
    with pytest.raises(RuntimeError):
        catalogs_load(paths=files)
    assert CatalogGeneration.objects.get().token == written
    assert ViolenceType.objects.get(code="psicologica").description_en == "Any act."
