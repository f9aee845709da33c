"""The directory's contact data is kept by administración: the catalog file only seeds it."""

import datetime
import json
import textwrap
from pathlib import Path

import pytest
import time_machine
from django.forms.models import model_to_dict
from django.urls import reverse

from violeta.catalogs.loader import CatalogFileError
from violeta.catalogs.models import Institution
from violeta.catalogs.services import catalogs_load
from violeta.testing.second_factor import force_login_verified

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 16, 0, tzinfo=datetime.UTC)

INSTITUTIONS = """\
catalog: institutions
source: Directorio de prueba
entries:
  - code: cejum
    name: {es: Centro de Justicia para las Mujeres}
    description: {es: Reúne varios servicios para mujeres que viven violencia.}
    legal_source: LGAMVLV
    effective_date: 2026-01-01
    short_name: CEJUM
    level: estatal
    handles: [denuncia, asesoria_juridica]
    phone: "614 100 0000"
    address: Calle de prueba 1
    hours: {es: De 9 a 15 horas}
    email: cejum@example.org
    liaison: Lic. Ana Pérez, coordinadora
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "institutions.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def confirm_in_admin(institution: Institution, **changes: object) -> None:
    """What saving the admin form does, without going through HTTP."""
    Institution.objects.filter(pk=institution.pk).update(reviewed_at=NOW, **changes)


def test_a_new_row_takes_every_contact_field_from_the_file(tmp_path):
    catalogs_load(paths=[write(tmp_path, INSTITUTIONS)])
    cejum = Institution.objects.get(code="cejum")
    assert (cejum.phone, cejum.address, cejum.hours_es) == (
        "614 100 0000",
        "Calle de prueba 1",
        "De 9 a 15 horas",
    )
    assert cejum.email == "cejum@example.org"
    assert cejum.liaison == "Lic. Ana Pérez, coordinadora"
    assert cejum.reviewed_at is None
    assert cejum.reviewed_by is None


def test_email_and_liaison_are_optional_in_the_file(tmp_path):
    text = INSTITUTIONS.replace("    email: cejum@example.org\n", "").replace(
        "    liaison: Lic. Ana Pérez, coordinadora\n", ""
    )
    catalogs_load(paths=[write(tmp_path, text)])
    cejum = Institution.objects.get(code="cejum")
    assert (cejum.email, cejum.liaison) == ("", "")


def test_a_malformed_email_in_the_file_is_rejected_and_loads_nothing(tmp_path):
    path = write(tmp_path, INSTITUTIONS.replace("cejum@example.org", "cejum en example.org"))
    with pytest.raises(CatalogFileError, match=r"entry 1 .* field email: .*not a valid e-mail"):
        catalogs_load(paths=[path])
    assert not Institution.objects.exists()


def test_an_unreviewed_phone_follows_a_changed_file(tmp_path):
    path = write(tmp_path, INSTITUTIONS)
    catalogs_load(paths=[path])
    write(tmp_path, INSTITUTIONS.replace("614 100 0000", "614 200 0000"))
    report = catalogs_load(paths=[path])
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert Institution.objects.get(code="cejum").phone == "614 200 0000"


def test_a_phone_reviewed_in_the_admin_survives_loading_a_changed_file(tmp_path):
    path = write(tmp_path, INSTITUTIONS)
    catalogs_load(paths=[path])
    confirm_in_admin(
        Institution.objects.get(code="cejum"),
        phone="614 300 0000",
        email="canalizaciones@example.org",
        liaison="Mtra. Rosa Díaz, enlace",
    )
    write(
        tmp_path,
        INSTITUTIONS.replace("614 100 0000", "614 200 0000").replace(
            "Calle de prueba 1", "Otra calle 2"
        ),
    )
    report = catalogs_load(paths=[path])
    assert (report.updated, report.unchanged) == (0, 1)
    cejum = Institution.objects.get(code="cejum")
    assert cejum.phone == "614 300 0000"
    assert cejum.address == "Calle de prueba 1"
    assert cejum.email == "canalizaciones@example.org"
    assert cejum.liaison == "Mtra. Rosa Díaz, enlace"
    assert cejum.reviewed_at == NOW


def test_a_reviewed_row_still_follows_the_file_outside_its_contact_data(tmp_path):
    path = write(tmp_path, INSTITUTIONS)
    catalogs_load(paths=[path])
    confirm_in_admin(Institution.objects.get(code="cejum"), phone="614 300 0000")
    write(
        tmp_path,
        INSTITUTIONS.replace("handles: [denuncia, asesoria_juridica]", "handles: [denuncia]"),
    )
    report = catalogs_load(paths=[path])
    assert report.updated == 1
    cejum = Institution.objects.get(code="cejum")
    assert cejum.handles == ["denuncia"]
    assert cejum.phone == "614 300 0000"


def test_loading_twice_after_a_review_changes_nothing(tmp_path):
    path = write(tmp_path, INSTITUTIONS)
    catalogs_load(paths=[path])
    confirm_in_admin(Institution.objects.get(code="cejum"), phone="614 300 0000")
    before = list(Institution.objects.values_list())
    first = catalogs_load(paths=[path])
    second = catalogs_load(paths=[path])
    assert (first.updated, second.updated) == (0, 0)
    assert list(Institution.objects.values_list()) == before


def admin_form(institution: Institution, **changes: object) -> dict[str, object]:
    """The change form as the admin shows it, with some fields edited."""
    data = model_to_dict(institution, exclude=["id", "reviewed_at", "reviewed_by"])
    data["handles"] = json.dumps(data["handles"])
    data.update(changes)
    return {field: "" if value is None else value for field, value in data.items()}


@time_machine.travel(NOW, tick=False)
def test_saving_in_the_admin_records_who_confirmed_the_data_and_when(
    client, admin_sistema, tmp_path
):
    path = write(tmp_path, INSTITUTIONS)
    catalogs_load(paths=[path])
    cejum = Institution.objects.get(code="cejum")
    force_login_verified(client, admin_sistema)
    response = client.post(
        reverse("admin:catalogs_institution_change", args=[cejum.pk]),
        admin_form(cejum, phone="614 300 0000", liaison="Mtra. Rosa Díaz, enlace"),
    )
    assert response.status_code == 302
    cejum.refresh_from_db()
    assert cejum.phone == "614 300 0000"
    assert cejum.liaison == "Mtra. Rosa Díaz, enlace"
    assert cejum.reviewed_at == NOW
    assert cejum.reviewed_by == admin_sistema
    # From now on the file no longer decides the contact data.
    write(tmp_path, INSTITUTIONS.replace("614 100 0000", "614 200 0000"))
    catalogs_load(paths=[path])
    assert Institution.objects.get(code="cejum").phone == "614 300 0000"


def test_the_admin_shows_the_contact_data_and_who_confirmed_it_read_only(
    client, admin_sistema, tmp_path
):
    catalogs_load(paths=[write(tmp_path, INSTITUTIONS)])
    cejum = Institution.objects.get(code="cejum")
    force_login_verified(client, admin_sistema)
    body = client.get(reverse("admin:catalogs_institution_change", args=[cejum.pk])).content
    page = body.decode()
    assert 'name="email"' in page
    assert 'name="liaison"' in page
    assert "Datos de contacto" in page
    assert 'name="reviewed_at"' not in page
    assert 'name="reviewed_by"' not in page
    assert "Datos confirmados el" in page  # the read-only field's label
