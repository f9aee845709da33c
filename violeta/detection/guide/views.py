"""The public "¿Qué hago si…?" guide: a checklist and a result page. Nothing is stored.

No model, no session, no audit entry, no log line carries her answers: they travel in the body
of one POST and live only while the result page is rendered. The result is never in the URL
(it would stay in the browser history and in server logs). ``never_cache`` repeats what
``PrivateCacheControlMiddleware`` already does for every namespace but the portal's, so the
result page stays out of caches even if ``guide`` were ever listed among the public namespaces.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.forms import BoundField
from django.forms.boundfield import BoundWidget
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from violeta.catalogs import selectors as catalogs
from violeta.detection.guide.forms import GuideForm
from violeta.detection.guide.loader import violentometro
from violeta.detection.guide.screening import Screening, screen

# Entries of the public directory (catalogs/data/institutions.yaml) the result links to; each
# card there has the id "inst-<code>". A missing entry falls back to the directory's top.
IMM_INSTITUTION_CODE = "imm"
HEALTH_INSTITUTION_CODE = "servicios_salud_nom046"


@dataclasses.dataclass(frozen=True)
class Choice:
    widget: BoundWidget
    hint: str


@dataclasses.dataclass(frozen=True)
class Group:
    code: str
    message: str
    first: int
    last: int
    choices: list[Choice]


def _groups(field: BoundField, language: str | None) -> list[Group]:
    """The checklist split by band, in rising severity, each with the band's message."""
    instrument = violentometro()
    widgets = {str(widget.data["value"]): widget for widget in field.subwidgets}
    return [
        Group(
            code=band.code,
            message=band.message.text(language),
            first=band.first,
            last=band.last,
            choices=[
                Choice(
                    widget=widgets[item.code],
                    hint=item.hint.text(language) if item.hint else "",
                )
                for item in instrument.items_in(band)
            ],
        )
        for band in instrument.bands
    ]


def _render_start(request: HttpRequest, form: GuideForm) -> HttpResponse:
    language = get_language()
    return render(
        request,
        "detection/guide_start.html",
        {
            "form": form,
            "groups": _groups(form["items"], language),
            "instrument": violentometro(),
            "instrument_name": violentometro().name.text(language),
        },
    )


@never_cache
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    return _render_start(request, GuideForm())


@never_cache
@require_http_methods(["GET", "POST"])
def result(request: HttpRequest) -> HttpResponse:
    # A GET has no answers (and must never carry them): back to the checklist.
    if request.method != "POST":
        return redirect("guide:start")
    form = GuideForm(request.POST)
    if not form.is_valid():
        return _render_start(request, form)
    screening = screen(**form.answers())
    return render(request, "detection/guide_result.html", _result_context(screening))


def _result_context(screening: Screening) -> dict[str, Any]:
    language = get_language()
    directory = reverse("portal:directory")
    listed = {inst.code: inst for inst in catalogs.institutions()}

    def directory_entry(code: str) -> str:
        return f"{directory}#inst-{code}" if code in listed else directory

    return {
        "screening": screening,
        "steps": [step.value for step in screening.steps],
        "band_message": screening.band.message.text(language) if screening.band else "",
        "marked_labels": [item.label.text(language) for item in screening.marked],
        "highest_label": (screening.highest.label.text(language) if screening.highest else ""),
        "instrument_name": violentometro().name.text(language),
        # Contact details from the dependencias catalog (as the portal home shows them); what
        # each institution offers, in public words, from the directory.
        "imm": catalogs.imm(),
        "imm_institution": listed.get(IMM_INSTITUTION_CODE),
        "health_institution": listed.get(HEALTH_INSTITUTION_CODE),
        "imm_directory_url": directory_entry(IMM_INSTITUTION_CODE),
        "health_directory_url": directory_entry(HEALTH_INSTITUTION_CODE),
    }
