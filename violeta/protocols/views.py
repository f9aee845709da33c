from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from violeta.accounts.roles import is_staff_member
from violeta.protocols.diagram import protocol_outline, protocol_svg
from violeta.protocols.models import ProtocolVersion
from violeta.protocols.selectors_definitions import protocols_current
from violeta.protocols.services_definitions import protocol_definition


@login_required
def protocol_list(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise Http404
    return render(request, "protocols/list.html", {"protocols": protocols_current()})


@login_required
def protocol_detail(request: HttpRequest, code: str, version: str) -> HttpResponse:
    if not is_staff_member(request.user):
        raise Http404
    try:
        protocol = ProtocolVersion.objects.get(code=code, version=version)
    except ProtocolVersion.DoesNotExist:
        raise Http404 from None
    definition = protocol_definition(protocol)
    stage_codes = {stage.code for stage in definition.stages}
    current = request.GET.get("etapa")
    current = current if current in stage_codes else None
    language = get_language() or "es"
    svg = protocol_svg(definition, language=language, current_stage=current)
    return render(
        request,
        "protocols/detail.html",
        {
            "protocol": protocol,
            "definition": definition,
            "name": definition.name.text(language),
            # protocol_svg escapes every text it draws.
            "svg": mark_safe(svg),  # noqa: S308
            "outline": protocol_outline(definition, language),
        },
    )
