"""The public "¿Qué hago si…?" guide: its data file, its screening and its two pages."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse

from violeta.audit.models import AuditEntry
from violeta.catalogs.models import Dependencia
from violeta.detection.guide.loader import (
    DATA_FILE,
    ViolentometroFileError,
    parse_file,
    violentometro,
)
from violeta.detection.guide.screening import Step, screen
from violeta.testing.second_factor import force_login_verified

SHIPPED = DATA_FILE.read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "violentometro.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def refusal(tmp_path: Path, text: str) -> str:
    with pytest.raises(ViolentometroFileError) as caught:
        parse_file(write(tmp_path, text))
    return str(caught.value)


def code_at(position: int) -> str:
    return violentometro().items[position - 1].code


# --- The data file -----------------------------------------------------------------------------


def test_shipped_file_has_the_30_items_in_rising_severity():
    instrument = violentometro()
    assert [item.position for item in instrument.items] == list(range(1, 31))
    assert instrument.items[0].label.es == "Bromas hirientes"
    assert instrument.items[-1].label.es == "Asesinar"
    assert all(item.label.en for item in instrument.items)
    assert len({item.code for item in instrument.items}) == 30


def test_shipped_file_has_three_bands_with_their_messages_as_configurable_defaults():
    bands = violentometro().bands
    assert [(band.first, band.last) for band in bands] == [(1, 11), (12, 21), (22, 30)]
    assert [band.message.es for band in bands] == [
        "¡Ten cuidado! La violencia aumentará",
        "¡Reacciona! No te dejes destruir",
        "¡Necesitas ayuda profesional!",
    ]
    assert all(band.configurable_default for band in bands)


def test_shipped_file_names_the_ipn_publication():
    source = violentometro().source
    assert "Instituto Politécnico Nacional" in source.publisher
    assert source.first_published == 2009
    assert source.edition == "2021"


def test_the_file_is_read_once_per_process():
    assert violentometro() is violentometro()


def test_a_duplicate_item_code_is_refused_naming_file_line_and_field(tmp_path):
    text = SHIPPED.replace("{code: chantajear,", "{code: bromas_hirientes,")
    message = refusal(tmp_path, text)
    line = line_of(text, "{code: bromas_hirientes, position: 2")
    assert f"violentometro.yaml: line {line}: items.1.code: duplicate code 'bromas_hirientes'" in (
        message
    )


def test_an_item_out_of_its_position_is_refused(tmp_path):
    text = SHIPPED.replace("{code: celar, position: 5,", "{code: celar, position: 6,")
    message = refusal(tmp_path, text)
    assert "items.4.position: is 6, expected 5" in message
    assert f"line {line_of(text, '{code: celar')}" in message


def test_a_missing_item_is_refused(tmp_path):
    text = SHIPPED.replace(
        '  - {code: patear, position: 20, label: {es: "Patear", en: "Kicking"}}\n', ""
    )
    message = refusal(tmp_path, text)
    assert "violentometro.yaml: line" in message
    assert "items: List should have at least 30 items" in message


def test_an_item_without_a_spanish_label_is_refused(tmp_path):
    text = SHIPPED.replace('{es: "Celar", en:', "{en:")
    message = refusal(tmp_path, text)
    assert "items.4.label.es: Field required" in message


def test_an_unknown_field_is_refused(tmp_path):
    text = SHIPPED.replace("    configurable_default: true\n", "    configurable: true\n", 1)
    message = refusal(tmp_path, text)
    assert "bands.0.configurable: Extra inputs are not permitted" in message


def test_a_gap_between_bands_is_refused(tmp_path):
    text = SHIPPED.replace("first: 12", "first: 13")
    message = refusal(tmp_path, text)
    assert (
        f"violentometro.yaml: line {line_of(text, 'first: 13')}: bands.1.first: is 13, "
        f"expected 12 (the band leaves a gap after the previous one)"
    ) in message


def test_overlapping_bands_are_refused(tmp_path):
    text = SHIPPED.replace("first: 22", "first: 20")
    message = refusal(tmp_path, text)
    assert "bands.2.first: is 20, expected 22 (the band overlaps" in message


def test_bands_that_stop_short_of_the_last_item_are_refused(tmp_path):
    text = SHIPPED.replace("last: 30", "last: 29")
    message = refusal(tmp_path, text)
    assert (
        f"line {line_of(text, 'last: 29')}: bands.2.last: is 29, expected 30 "
        f"(the bands must cover every item)"
    ) in message


def test_a_band_that_ends_before_it_starts_is_refused(tmp_path):
    text = SHIPPED.replace("last: 21", "last: 10")
    assert "bands.1.last: is 10, before first (12)" in refusal(tmp_path, text)


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path):
    assert "violentometro.yaml: (file): must be a mapping" in refusal(tmp_path, "- 1\n- 2\n")


def test_a_file_that_is_not_yaml_is_refused(tmp_path):
    assert "violentometro.yaml: line 2: is not valid YAML" in refusal(tmp_path, "items: [\n")


# --- Screening -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("position", "band"),
    [
        (1, "ten_cuidado"),
        (11, "ten_cuidado"),
        (12, "reacciona"),
        (21, "reacciona"),
        (22, "ayuda_profesional"),
        (30, "ayuda_profesional"),
    ],
)
def test_band_edges(position, band):
    result = screen(marked=[code_at(position)], in_danger=False, wants_help=None)
    assert result.band is not None
    assert result.band.code == band


def test_severity_is_the_most_severe_item_not_the_count():
    many_mild = screen(marked=[code_at(p) for p in range(1, 12)], in_danger=False, wants_help=None)
    one_grave = screen(marked=[code_at(23)], in_danger=False, wants_help=None)
    assert many_mild.band is not None
    assert many_mild.band.code == "ten_cuidado"
    assert one_grave.band is not None
    assert one_grave.band.code == "ayuda_profesional"


def test_the_highest_marked_item_is_named_whatever_the_order_marked():
    result = screen(
        marked=["amenazar_de_muerte", "bromas_hirientes", "celar"],
        in_danger=False,
        wants_help=None,
    )
    assert result.highest is not None
    assert result.highest.code == "amenazar_de_muerte"
    assert [item.code for item in result.marked] == [
        "bromas_hirientes",
        "celar",
        "amenazar_de_muerte",
    ]


def test_nothing_marked_has_no_band():
    result = screen(marked=[], in_danger=False, wants_help=None)
    assert result.band is None
    assert result.highest is None


def test_an_unknown_item_is_refused():
    with pytest.raises(ValueError, match="unknown Violentómetro items: no_existe"):
        screen(marked=["no_existe"], in_danger=False, wants_help=None)


def test_cut_offs_come_from_the_data(tmp_path):
    text = SHIPPED.replace("last: 11", "last: 12").replace("first: 12", "first: 13")
    instrument = parse_file(write(tmp_path, text))
    result = screen(marked=[code_at(12)], in_danger=False, wants_help=None, instrument=instrument)
    assert result.band is not None
    assert result.band.code == "ten_cuidado"


def test_danger_puts_911_first_before_anything_else():
    result = screen(marked=["violar"], in_danger=True, wants_help=True, public_servant=True)
    assert result.steps[0] == Step.EMERGENCY


def test_no_emergency_step_when_she_is_not_in_danger():
    result = screen(marked=["celar"], in_danger=False, wants_help=True)
    assert Step.EMERGENCY not in result.steps


def test_wanting_help_gives_the_imm_the_equality_unit_and_the_hand_off():
    result = screen(marked=["celar"], in_danger=False, wants_help=True, public_servant=True)
    assert result.steps == (
        Step.CONTACT_IMM,
        Step.EQUALITY_UNIT,
        Step.HAND_OFF,
        Step.LEARN_MORE,
    )


def test_no_equality_unit_for_somebody_outside_the_municipal_government():
    result = screen(marked=["celar"], in_danger=False, wants_help=True, public_servant=False)
    assert Step.EQUALITY_UNIT not in result.steps


def test_not_wanting_help_leaves_the_door_open_without_pushing():
    result = screen(marked=["celar"], in_danger=False, wants_help=False)
    assert result.steps == (Step.WHEN_READY, Step.LEARN_MORE)


def test_sexual_violence_points_to_urgent_health_care_right_after_the_emergency():
    result = screen(marked=["violar"], in_danger=True, wants_help=False)
    assert result.steps[:2] == (Step.EMERGENCY, Step.HEALTH_CARE)


# --- The pages -----------------------------------------------------------------------------------


def body(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_start_page_is_public_and_shows_the_30_items_grouped_by_band(client, catalogs):
    response = client.get(reverse("guide:start"))
    page = body(response)
    assert response.status_code == 200
    assert page.count('type="checkbox" name="items"') == 30
    assert page.count('id="franja-') == 3
    for message in ("¡Ten cuidado! La violencia aumentará", "¡Necesitas ayuda profesional!"):
        assert f"<legend>{message}</legend>" in page
    assert "¿Estás en peligro ahora mismo?" in page
    assert "¿Quieres ayuda?" in page
    assert 'id="salida-rapida"' in page
    assert '<html lang="es-mx">' in page


@pytest.mark.django_db
def test_start_form_posts_to_the_result_page_with_the_csrf_token(client, catalogs):
    page = body(client.get(reverse("guide:start")))
    assert f'action="{reverse("guide:result")}" method="post"' in page
    assert 'name="csrfmiddlewaretoken"' in page


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused(catalogs):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("guide:result"), {"items": ["celar"]})
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_post_with_the_page_token_is_answered(catalogs):
    client = Client(enforce_csrf_checks=True)
    page = body(client.get(reverse("guide:start")))
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match is not None
    response = client.post(
        reverse("guide:result"), {"items": ["celar"], "csrfmiddlewaretoken": match[1]}
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_get_on_the_result_page_goes_back_to_the_start(client, catalogs):
    response = client.get(reverse("guide:result"), {"items": "celar"})
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("guide:start")


@pytest.mark.django_db
def test_result_shows_the_band_of_the_most_severe_item(client, catalogs):
    response = client.post(
        reverse("guide:result"), {"items": ["bromas_hirientes", "empujar_jalonear"]}
    )
    page = body(response)
    assert response.status_code == 200
    assert "¡Reacciona! No te dejes destruir" in page
    assert "Lo más grave que marcaste fue «Empujar, jalonear»" in page


@pytest.mark.django_db
def test_danger_shows_911_before_anything_else(client, catalogs):
    page = body(
        client.post(
            reverse("guide:result"),
            {"items": ["amenazar_de_muerte"], "in_danger": "si", "wants_help": "si"},
        )
    )
    content = page[page.index('<main id="contenido"') :]
    first_911 = content.index('href="tel:911"')
    assert first_911 < content.index("¡Necesitas ayuda profesional!")
    assert first_911 < content.index('href="tel:072"')
    first_heading = content[content.index("<h1") :]
    assert first_heading.startswith('<h1 id="titulo">Si estás en peligro, llama al 911 ahora</h1>')


@pytest.mark.django_db
def test_wanting_help_shows_how_to_reach_the_imm_from_the_catalog(client, catalogs):
    page = body(
        client.post(
            reverse("guide:result"),
            {"items": ["celar"], "wants_help": "si", "public_servant": "si"},
        )
    )
    assert 'href="tel:072"' in page
    assert "extensión 2604" in page
    assert "Calle 4ª #2411" in page
    assert "Como trabajas en el Gobierno Municipal" in page
    assert "Unidad de Igualdad de Género de tu dependencia" in page


@pytest.mark.django_db
def test_the_imm_contact_follows_the_catalog_without_code_changes(client, catalogs):
    Dependencia.objects.filter(is_imm=True).update(phone="614 000 0000", extension="")
    page = body(client.post(reverse("guide:result"), {"wants_help": "si"}))
    assert 'href="tel:6140000000"' in page


@pytest.mark.django_db
def test_the_warm_hand_off_links_to_the_imm_in_the_directory(client, catalogs):
    page = body(client.post(reverse("guide:result"), {"wants_help": "si"}))
    assert "Contacto confidencial con el IMM" in page
    assert "pide una cita confidencial" in page
    assert f'href="{reverse("portal:directory")}#inst-imm"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("wants_help", ["si", "no", "no_se", ""])
def test_result_always_links_types_of_violence_and_the_directory(client, catalogs, wants_help):
    page = body(client.post(reverse("guide:result"), {"wants_help": wants_help}))
    assert f'href="{reverse("portal:violence_catalogs")}"' in page
    assert f'href="{reverse("portal:directory")}"' in page


@pytest.mark.django_db
def test_sexual_violence_result_points_to_health_services(client, catalogs):
    page = body(client.post(reverse("guide:result"), {"items": ["violar"]}))
    assert "Atención médica urgente" in page
    assert f'href="{reverse("portal:directory")}#inst-servicios_salud_nom046"' in page


@pytest.mark.django_db
def test_nothing_marked_still_gives_next_steps(client, catalogs):
    page = body(client.post(reverse("guide:result"), {}))
    assert "No marcaste ninguna situación" in page
    assert "Cuando tú quieras" in page


@pytest.mark.django_db
def test_a_tampered_item_shows_the_form_again(client, catalogs):
    response = client.post(reverse("guide:result"), {"items": ["no_existe"]})
    assert response.status_code == 200
    assert "Algunas respuestas no se pudieron leer" in body(response)


@pytest.mark.django_db
def test_result_in_english_uses_the_english_labels(client, catalogs):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = body(client.post(reverse("guide:result"), {"items": ["patear"]}))
    assert "React! Don&#x27;t let yourself be destroyed" in page
    assert "Kicking" in page


@pytest.mark.django_db
def test_pages_are_never_cached(client, catalogs):
    for response in (
        client.get(reverse("guide:start")),
        client.post(reverse("guide:result"), {"items": ["celar"]}),
    ):
        assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_answers_are_not_stored_anywhere(client, catalogs, caplog):
    models = apps.get_models()
    before = {model._meta.label: model._default_manager.count() for model in models}
    audit_before = AuditEntry.objects.count()
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            reverse("guide:result"),
            {
                "items": ["sextorsion", "amenazar_de_muerte"],
                "in_danger": "si",
                "wants_help": "si",
                "public_servant": "si",
            },
        )
    assert response.status_code == 200
    after = {model._meta.label: model._default_manager.count() for model in models}
    assert after == before
    assert AuditEntry.objects.count() == audit_before
    # No session: no cookie sent, nothing in the session store.
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert settings.SESSION_COOKIE_NAME not in client.cookies
    # No answer reaches the logs.
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "sextorsion" not in logged
    assert "amenazar_de_muerte" not in logged


@pytest.mark.django_db
def test_the_result_url_carries_no_answers(client, catalogs):
    response = client.post(reverse("guide:result"), {"items": ["celar"], "in_danger": "si"})
    assert response.status_code == 200  # rendered in place, not redirected to a URL with them
    assert response.request["PATH_INFO"] == reverse("guide:result")
    assert response.request["QUERY_STRING"] == ""


@pytest.mark.django_db
def test_staff_use_the_guide_too(client, catalogs, servidora):
    force_login_verified(client, servidora)
    assert client.get(reverse("guide:start")).status_code == 200
    response = client.post(reverse("guide:result"), {"items": ["celar"], "wants_help": "si"})
    assert response.status_code == 200
    assert "¡Ten cuidado! La violencia aumentará" in body(response)
