"""Every public page, in Spanish and in English, passes axe's WCAG 2.2 A and AA rules.

To check another public page, add its URL name to ``PUBLIC_PAGES`` (opened with a GET) or, for
a page reached through a form, a function to ``JOURNEYS`` that takes the page there.

axe cannot see everything WCAG 2.2 asks; the last tests here check by hand what it cannot: that
the fixed quick-exit button never hides the element a keyboard user is on (2.4.11).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, ViewportSize, expect

from violeta.testing.browser import axe_report, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Public pages opened directly, by URL name. No login needed for any of them.
PUBLIC_PAGES: list[str] = [
    "portal:home",
    "portal:directory",
    "portal:principles",
    "portal:violence_catalogs",
    "guide:start",
    "report:start",
    "report:danger",
    "report:new",
    "report:follow_up",
    "accounts:login",
]


def _guide_asking_for_help(page: Page, base_url: str) -> None:
    """The guide's result with every step a person asking for help can be shown."""
    page.goto(base_url + reverse("guide:start"))
    page.locator('input[name="in_danger"][value="no"]').check()
    for checkbox in page.locator('input[name="items"]').all():
        checkbox.check()
    page.locator('input[name="wants_help"][value="si"]').check()
    page.locator('input[name="public_servant"][value="si"]').check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("#paso-imm")).to_be_visible()


def _guide_in_danger(page: Page, base_url: str) -> None:
    """The guide's result for a person in danger now who is not sure she wants help."""
    page.goto(base_url + reverse("guide:start"))
    page.locator('input[name="in_danger"][value="si"]').check()
    page.locator('input[name="items"]').first.check()
    page.locator('input[name="wants_help"][value="no_se"]').check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("#peligro")).to_be_visible()


def _guide_nothing_marked(page: Page, base_url: str) -> None:
    """The guide's result when the form is sent without a single answer."""
    page.goto(base_url + reverse("guide:start"))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("#resultado")).to_be_visible()


def _login_refused(page: Page, base_url: str) -> None:
    """The login page showing its error after a wrong password."""
    page.goto(base_url + reverse("accounts:login"))
    page.locator('input[name="username"]').fill("nadie@prueba.violeta.mx")
    page.locator('input[name="password"]').fill("no-es-la-contraseña")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("main .form-errors")).to_be_visible()


# Public pages reached through a form: an id for the test and how to get there.
JOURNEYS: dict[str, Callable[[Page, str], None]] = {
    "guide:result-help": _guide_asking_for_help,
    "guide:result-danger": _guide_in_danger,
    "guide:result-empty": _guide_nothing_marked,
    "accounts:login-refused": _login_refused,
}

LANGUAGES = ["es-mx", "en"]


def _open(page: Page, base_url: str, name: str) -> None:
    """Open a page of ``PUBLIC_PAGES`` or ``JOURNEYS`` by its name there."""
    if name in JOURNEYS:
        JOURNEYS[name](page, base_url)
    else:
        page.goto(base_url + reverse(name))


def _choose_language(page: Page, base_url: str, language: str) -> None:
    """Spanish is the default; any other language is chosen with the selector in the header."""
    if language == "es-mx":
        return
    page.goto(base_url + reverse("portal:home"))
    page.locator("#idioma").select_option(language)
    with page.expect_navigation():
        page.locator("form.language button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def _violations_on(page: Page, language: str) -> str:
    """The readable report of this page's violations, or "" when it passes."""
    expect(page.locator("html")).to_have_attribute("lang", language)
    violations = axe_violations(page)
    return f"{page.url} ({language}):\n{axe_report(violations)}" if violations else ""


def _assert_all_pass(reports: list[str]) -> None:
    failures = [report for report in reports if report]
    for report in failures:
        print(report)
    assert failures == [], "\n\n".join(failures)


# One browser session walks every page: a test per page would load the catalogs and start the
# live server's transaction dozens of times for the same answer.
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_meets_wcag_aa(
    page: Page, live_server: Any, catalogs: None, language: str
) -> None:
    _choose_language(page, live_server.url, language)
    reports = []
    for url_name in PUBLIC_PAGES:
        _open(page, live_server.url, url_name)
        reports.append(_violations_on(page, language))
    _assert_all_pass(reports)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_reached_by_a_form_meets_wcag_aa(
    page: Page, live_server: Any, catalogs: None, language: str
) -> None:
    _choose_language(page, live_server.url, language)
    reports = []
    for journey in JOURNEYS:
        _open(page, live_server.url, journey)
        reports.append(_violations_on(page, language))
    _assert_all_pass(reports)


def test_every_public_page_meets_wcag_aa_before_the_catalogs_are_loaded(
    page: Page, live_server: Any
) -> None:
    """A fresh installation shows its "not loaded yet" messages; they must pass too."""
    reports = []
    for url_name in PUBLIC_PAGES:
        _open(page, live_server.url, url_name)
        reports.append(_violations_on(page, "es-mx"))
    _assert_all_pass(reports)


# The part of the focused element on screen, and whether the quick-exit button covers all of it.
_FOCUS_HIDDEN = """() => {
  const element = document.activeElement;
  const exit = document.getElementById("salida-rapida");
  const box = element.getBoundingClientRect();
  const top = Math.max(box.top, 0), bottom = Math.min(box.bottom, window.innerHeight);
  const left = Math.max(box.left, 0), right = Math.min(box.right, window.innerWidth);
  if (bottom <= top || right <= left) return "off screen";
  if (!exit || element === exit) return "";
  const cover = exit.getBoundingClientRect();
  const hidden = cover.top <= top && cover.bottom >= bottom
    && cover.left <= left && cover.right >= right;
  return hidden ? "under the quick-exit button" : "";
}"""


PHONE = ViewportSize(width=360, height=740)
DESKTOP = ViewportSize(width=1280, height=720)


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_quick_exit_button_never_hides_the_focused_element(
    page: Page, live_server: Any, catalogs: None, size: ViewportSize
) -> None:
    """WCAG 2.4.11 Focus Not Obscured: tab through each whole page; every stop stays in sight."""
    page.set_viewport_size(size)
    hidden: list[str] = []
    for name in (
        "portal:home",
        "portal:directory",
        "guide:start",
        "guide:result-help",
        "report:new",
    ):
        _open(page, live_server.url, name)
        expect(page.locator("#salida-rapida")).to_be_visible()
        for _ in range(400):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement === document.body"):
                break
            where = page.evaluate(_FOCUS_HIDDEN)
            if where:
                element = page.evaluate("document.activeElement.outerHTML")[:120]
                hidden.append(f"{name}: {element}: {where}")
    assert hidden == []
