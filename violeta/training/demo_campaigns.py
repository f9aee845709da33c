"""Demo campaigns (development only): the 16 días de activismo of 2021, when the IMM trained
staff of four dependencias (news of 4 December 2021), and those of 2026."""

from __future__ import annotations

import datetime

from django.db import transaction

from violeta.accounts.models import User
from violeta.catalogs.models import Dependencia
from violeta.training.action_lines import action_lines_load
from violeta.training.models import (
    ActionLine,
    Campaign,
    CampaignActivity,
    CampaignKind,
    TrainingSession,
)
from violeta.training.services_campaigns import sixteen_days

DEMO_COORDINACION = "coordinacion@demo.violeta.mx"
TRAINING_LINE = "capacitacion_funcionariado"


def _dependencia(code: str) -> Dependencia | None:
    return Dependencia.objects.filter(code=code).order_by("-effective_date").first()


def _campaign(*, year: int, actor: User, lines: list[ActionLine], description: str) -> Campaign:
    starts, ends = sixteen_days(year)
    campaign = Campaign.objects.filter(
        kind=CampaignKind.DIECISEIS_DIAS, starts_on=starts, ends_on=ends
    ).first()
    if campaign is None:
        campaign = Campaign.objects.create(
            name=f"16 días de activismo {year}",
            kind=CampaignKind.DIECISEIS_DIAS,
            starts_on=starts,
            ends_on=ends,
            description=description,
            created_by=actor,
        )
        campaign.action_lines.set(lines)
    return campaign


def demo_campaigns_ensure() -> int:
    """Create what is missing; returns how many campaigns were created. Needs the demo
    accounts (``seed_demo``) and the catalogs. Also links the 4 December 2021 session, if the
    training demo made it, to the 2021 campaign."""
    actor = User.objects.get(email=DEMO_COORDINACION)
    before = Campaign.objects.count()
    with transaction.atomic():
        action_lines_load()
        lines = {line.code: line for line in ActionLine.objects.all()}
        campaign_2021 = _campaign(
            year=2021,
            actor=actor,
            lines=[lines[TRAINING_LINE], lines["prevencion_violencia"]],
            description=(
                "En el marco de los 16 días de activismo que proclama la ONU: capacitación del "
                "funcionariado en tipos de violencia y en el Protocolo para la prevención, "
                "atención, sanción y erradicación de casos de violencia de género al interior "
                "del Gobierno Municipal de Chihuahua."
            ),
        )
        if not campaign_2021.activities.exists():
            for held_on, title, code, place, reach in (
                (
                    datetime.date(2021, 11, 25),
                    "Encendido naranja y pláticas en la explanada de Presidencia",
                    None,
                    "Plaza Hidalgo",
                    120,
                ),
                (
                    datetime.date(2021, 12, 4),
                    "Plática: tipos de violencia y protocolo de atención",
                    "dif_municipal",
                    "DIF Municipal",
                    35,
                ),
                (
                    datetime.date(2021, 12, 4),
                    "Plática: tipos de violencia y protocolo de atención",
                    "instituto_cultura",
                    "Instituto de Cultura",
                    22,
                ),
            ):
                CampaignActivity.objects.create(
                    campaign=campaign_2021,
                    held_on=held_on,
                    title=title,
                    dependencia=_dependencia(code) if code else None,
                    place=place,
                    reach=reach,
                    recorded_by=actor,
                )
        TrainingSession.objects.filter(
            held_on=datetime.date(2021, 12, 4), campaign__isnull=True
        ).update(campaign=campaign_2021)
        _campaign(
            year=2026,
            actor=actor,
            lines=[
                lines[TRAINING_LINE],
                lines["prevencion_violencia"],
                lines["cultura_institucional"],
            ],
            description="Campaña anual de los 16 días de activismo contra la violencia de género.",
        )
    return Campaign.objects.count() - before
