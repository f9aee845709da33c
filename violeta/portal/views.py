from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from violeta.catalogs import selectors
from violeta.catalogs.models import Law


def home(request: HttpRequest) -> HttpResponse:
    institutions = selectors.institutions()
    return render(
        request,
        "portal/home.html",
        {
            "imm": selectors.imm(),
            "emergency_lines": [inst for inst in institutions if inst.emergency],
            "institutions": [inst for inst in institutions if not inst.emergency],
        },
    )


def directory(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/directory.html",
        {"institutions": selectors.institutions(), "imm": selectors.imm()},
    )


def principles(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/principles.html",
        {
            "principles": selectors.principles(),
            "groups": selectors.vulnerable_groups(),
        },
    )


def violence_catalogs(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/violence_catalogs.html",
        {
            "catalogs": [
                (
                    law.label,
                    selectors.violence_types(law=law),
                    selectors.violence_modalities(law=law),
                )
                for law in Law
            ],
        },
    )
