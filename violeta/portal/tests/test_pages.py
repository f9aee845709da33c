import datetime
import re

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse

from violeta.catalogs.models import Institution

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["portal:home", "portal:directory", "portal:principles", "portal:violence_catalogs"]


def test_home_names_the_imm_and_its_phone_from_the_catalogs(client, catalogs):
    response = client.get(reverse("portal:home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Instituto Municipal de las Mujeres" in body
    assert 'href="tel:072"' in body
    assert "extensión 2604" in body
    assert "Calle 4ª #2411" in body


def test_home_lists_the_directory_from_the_catalogs(client, catalogs):
    fem = Institution.objects.get(code="fem")
    body = client.get(reverse("portal:home")).content.decode()
    assert fem.name_es in body
    # Emergency lines are shown first as a call to action, not as directory cards.
    assert 'href="tel:911"' in body


def test_home_reflects_a_changed_catalog_without_code_changes(client, catalogs):
    Institution.objects.filter(code="cejum").update(phone="614 000 0000")
    body = client.get(reverse("portal:home")).content.decode()
    assert "614 000 0000" in body


def test_pages_are_spanish_even_when_the_browser_asks_for_english(client, catalogs):
    response = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="es-mx">' in response.content.decode()
    assert "¿Estás en peligro ahora?" in response.content.decode()
    assert response.headers["Content-Language"] == "es-mx"


def test_choosing_english_switches_the_interface_and_the_catalog_texts(client, catalogs):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get(reverse("portal:home")).content.decode()
    assert '<html lang="en">' in body
    assert "Are you in danger right now?" in body
    assert "Specialised Prosecutor" in body  # the FEM's name from the catalog, in English
    # Legal proper names stay in Spanish.
    assert "Instituto Municipal de las Mujeres" in body


def test_unknown_language_cookie_falls_back_to_spanish(client, catalogs):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    body = client.get(reverse("portal:home")).content.decode()
    assert '<html lang="es-mx">' in body


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_every_public_page_has_quick_exit_skip_link_and_landmarks(client, catalogs, name):
    body = client.get(reverse(name)).content.decode()
    assert 'id="salida-rapida"' in body
    assert f'href="{settings.QUICK_EXIT_URL}"' in body
    assert 'class="skip-link" href="#contenido"' in body
    assert '<main id="contenido"' in body
    assert 'role="banner"' in body
    assert 'role="contentinfo"' in body
    assert 'name="viewport"' in body


# What a page loads: scripts, styles, images, frames and media, and URLs inside styles.
LOADED = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*?\b(?:src|href)=\"([^\"]*)\""
    r"|url\(\s*['\"]?([^'\")]+)"
)


def test_pages_load_no_third_party_assets(client, catalogs):
    body = client.get(reverse("portal:home")).content.decode()
    assert '<script src="/static/' in body
    loaded = [first or second for first, second in LOADED.findall(body)]
    assert loaded
    for url in loaded:
        # Same origin only (no scheme, no host); the markers are what a CDN link would carry.
        assert url.startswith("/") and not url.startswith("//"), url
        for marker in ("cdn", "googleapis", "unpkg", "jsdelivr"):
            assert marker not in url.lower(), url
    # Nothing is fetched over plain HTTP either (the quick exit is a link away, not a load).
    assert "http://" not in body.lower().replace(settings.QUICK_EXIT_URL.lower(), "")


def test_directory_shows_the_email_as_a_mail_link(client, catalogs):
    Institution.objects.filter(code="cejum").update(email="canalizaciones@example.org")
    body = client.get(reverse("portal:directory")).content.decode()
    assert '<a href="mailto:canalizaciones@example.org">canalizaciones@example.org</a>' in body


def test_directory_says_which_contact_data_is_confirmed_and_since_when(client, catalogs):
    Institution.objects.filter(code="cejum").update(
        reviewed_at=datetime.datetime(2026, 3, 5, 12, 0, tzinfo=datetime.UTC)
    )
    body = client.get(reverse("portal:directory")).content.decode()
    cejum = body.split('id="inst-cejum"', 1)[1].split("</li>", 1)[0]
    fem = body.split('id="inst-fem"', 1)[1].split("</li>", 1)[0]
    # Django's Spanish catalogue capitalises month names; either spelling reads correctly.
    assert "datos confirmados el 5 de marzo de 2026" in cejum.lower()
    assert "por confirmar" not in cejum
    assert "Datos de contacto por confirmar con la institución" in fem


def test_directory_links_the_site_and_keeps_heading_levels(client, catalogs):
    Institution.objects.filter(code="cejum").update(url="https://cejum.example.org/")
    directory = client.get(reverse("portal:directory")).content.decode()
    cejum = directory.split('id="inst-cejum"', 1)[1].split("</li>", 1)[0]
    assert 'href="https://cejum.example.org/" rel="noopener noreferrer"' in cejum
    # Under the page's h1 each institution is an h2; on the home page, under its h2, an h3.
    assert cejum.lstrip(">\n ").startswith("<h2>")
    home = client.get(reverse("portal:home")).content.decode()
    assert home.split('id="inst-cejum"', 1)[1].lstrip(">\n ").startswith("<h3>")


def test_directory_lists_what_each_institution_attends(client, catalogs):
    body = client.get(reverse("portal:directory")).content.decode()
    cejum = body.split('id="inst-cejum"', 1)[1].split("</li>", 1)[0]
    assert "Asesoría jurídica" in cejum
    assert "Refugio" in cejum


def test_violence_catalogs_page_shows_both_laws(client, catalogs):
    body = client.get(reverse("portal:violence_catalogs")).content.decode()
    assert "LGAMVLV (federal)" in body
    assert "LEDMVLV (Chihuahua)" in body
    assert "Obstétrica" in body
    assert "Digital" in body


def test_principles_page_lists_principles_and_group_guidelines(client, catalogs):
    body = client.get(reverse("portal:principles")).content.decode()
    assert "No revictimización" in body
    assert "intérprete" in body.lower()


def test_pages_without_catalogs_say_so_instead_of_failing(client):
    body = client.get(reverse("portal:home")).content.decode()
    assert "Los datos de contacto aún no se han cargado." in body
    assert "El directorio aún no se ha cargado." in body


def test_english_catalog_is_complete_and_has_no_fuzzy_entries():
    path = settings.LOCALE_PATHS[0] / "en" / "LC_MESSAGES" / "django.po"
    with path.open("rb") as po_file:
        catalog = read_po(po_file)
    # Plural entries have a tuple of forms: every form must be translated.
    untranslated = [
        m.id
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize(
    ("phone", "href"),
    [
        ("911", "tel:911"),
        ("072 ext. 2604", "tel:072,2604"),
        ("(614) 429-3300 extensión 12", "tel:6144293300,12"),
        ("+52 614 000 0000", "tel:+526140000000"),
    ],
)
def test_phone_numbers_become_dialable_links(phone, href):
    from violeta.portal.templatetags.violeta_tags import tel_href

    assert tel_href(phone) == href
