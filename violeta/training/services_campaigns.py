"""Prevention campaigns and their activities: who may see and manage them, the writes, and the
reads the campaign pages need.

Coordinación (IMM) plans campaigns and records what happened; atención may look, because it
talks about them with the people it attends. Nothing here is case data.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from violeta.accounts import roles
from violeta.audit.models import AuditAction
from violeta.audit.services import audit_record
from violeta.catalogs.models import Dependencia
from violeta.training.models import (
    ActionLine,
    Campaign,
    CampaignActivity,
    CampaignKind,
    TrainingSession,
)

# --- Dates of the recurring campaigns -------------------------------------------------------


def sixteen_days(year: int) -> tuple[datetime.date, datetime.date]:
    """The UN's 16 Days of Activism against Gender-Based Violence: from the International Day
    for the Elimination of Violence against Women (25 November, UN GA res. 54/134) to Human
    Rights Day (10 December)."""
    return datetime.date(year, 11, 25), datetime.date(year, 12, 10)


def orange_days(year: int) -> list[datetime.date]:
    """Día Naranja: the 25th of every month (UNiTE to End Violence against Women)."""
    return [datetime.date(year, month, 25) for month in range(1, 13)]


def next_orange_day(today: datetime.date) -> datetime.date:
    this_month = today.replace(day=25)
    if today <= this_month:
        return this_month
    if today.month == 12:
        return datetime.date(today.year + 1, 1, 25)
    return datetime.date(today.year, today.month + 1, 25)


def campaign_defaults(kind: str, *, today: datetime.date, year: int | None = None) -> dict:
    """Suggested name and dates for a new campaign of ``kind`` (the form's initial values)."""
    if kind == CampaignKind.DIECISEIS_DIAS:
        starts, ends = sixteen_days(year or today.year)
        return {
            "kind": kind,
            "name": _("16 días de activismo %(year)s") % {"year": starts.year},
            "starts_on": starts,
            "ends_on": ends,
        }
    if kind == CampaignKind.DIA_NARANJA:
        day = next_orange_day(today)
        return {
            "kind": kind,
            "name": _("Día Naranja, %(date)s") % {"date": day.isoformat()},
            "starts_on": day,
            "ends_on": day,
        }
    if kind in CampaignKind.values:
        return {"kind": kind}
    return {}


# --- Who may do what ------------------------------------------------------------------------


def may_view_campaigns(user: Any) -> bool:
    return roles.is_coordinacion(user) or roles.is_atencion(user)


def may_manage_campaigns(user: Any) -> bool:
    return roles.is_coordinacion(user)


# --- Writes ---------------------------------------------------------------------------------


def _campaign_check(campaign: Campaign) -> None:
    campaign.name = campaign.name.strip()
    campaign.full_clean()
    if campaign.ends_on < campaign.starts_on:
        raise ValidationError({"ends_on": _("La fecha final es anterior a la inicial.")})


def campaign_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    action_lines: Iterable[ActionLine] = (),
    description: str = "",
) -> Campaign:
    if not may_manage_campaigns(actor):
        raise PermissionDenied
    lines = list(action_lines)
    campaign = Campaign(
        name=name,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        description=description.strip(),
        created_by=actor,
    )
    _campaign_check(campaign)
    with transaction.atomic():
        campaign.save()
        campaign.action_lines.set(lines)
        audit_record(
            action=AuditAction.CREATE,
            target=campaign,
            detail={"kind": kind, "lines": sorted(line.code for line in lines)},
            actor=actor,
        )
    return campaign


def campaign_update(
    *,
    actor: Any,
    campaign: Campaign,
    name: str,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    action_lines: Iterable[ActionLine] = (),
    description: str = "",
) -> Campaign:
    if not may_manage_campaigns(actor):
        raise PermissionDenied
    lines = list(action_lines)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        campaign.name = name
        campaign.kind = kind
        campaign.starts_on = starts_on
        campaign.ends_on = ends_on
        campaign.description = description.strip()
        _campaign_check(campaign)
        outside = campaign.activities.exclude(held_on__range=(starts_on, ends_on)).count()
        if outside:
            raise ValidationError(
                _(
                    "%(count)s actividad(es) registradas quedarían fuera de las nuevas fechas. "
                    "Corrige las fechas."
                )
                % {"count": outside}
            )
        campaign.save()
        campaign.action_lines.set(lines)
        audit_record(
            action=AuditAction.UPDATE,
            target=campaign,
            detail={"kind": kind, "lines": sorted(line.code for line in lines)},
            actor=actor,
        )
    return campaign


def activity_add(
    *,
    actor: Any,
    campaign: Campaign,
    held_on: datetime.date,
    title: str,
    reach: int,
    dependencia: Dependencia | None = None,
    place: str = "",
) -> CampaignActivity:
    """Record one activity of a campaign and how many people it reached."""
    if not may_manage_campaigns(actor):
        raise PermissionDenied
    if not campaign.starts_on <= held_on <= campaign.ends_on:
        raise ValidationError(
            {
                "held_on": _("La campaña va del %(starts)s al %(ends)s.")
                % {"starts": campaign.starts_on.isoformat(), "ends": campaign.ends_on.isoformat()}
            }
        )
    activity = CampaignActivity(
        campaign=campaign,
        held_on=held_on,
        title=title.strip(),
        reach=reach,
        dependencia=dependencia,
        place=place.strip(),
        recorded_by=actor,
    )
    activity.full_clean()
    with transaction.atomic():
        activity.save()
        audit_record(
            action=AuditAction.CREATE,
            target=activity,
            detail={"campaign": campaign.pk, "reach": reach},
            actor=actor,
        )
    return activity


# --- Reads ----------------------------------------------------------------------------------


def campaigns_visible_to(*, user: Any) -> QuerySet[Campaign]:
    """Every campaign, each with ``total_reach`` and ``activity_count``, for those who may see
    campaigns; nothing for anybody else."""
    if not may_view_campaigns(user):
        return Campaign.objects.none()
    return Campaign.objects.annotate(
        total_reach=Coalesce(Sum("activities__reach"), 0),
        activity_count=Count("activities"),
    ).prefetch_related("action_lines")


@dataclasses.dataclass(frozen=True)
class ReachRow:
    label: str  # the dependencia's name, or "" for activities not tied to one
    activities: int
    reach: int


def reach_by_dependencia(rows: Iterable[tuple[str, int]]) -> list[ReachRow]:
    """(dependencia label, reach) per activity → one row per label, most reach first. The
    rows' reach adds up to the campaign's total."""
    totals: dict[str, list[int]] = {}
    for label, reach in rows:
        entry = totals.setdefault(label, [0, 0])
        entry[0] += 1
        entry[1] += reach
    return sorted(
        (ReachRow(label, count, reach) for label, (count, reach) in totals.items()),
        key=lambda row: (-row.reach, row.label == "", row.label),
    )


@dataclasses.dataclass(frozen=True)
class CampaignSummary:
    activities: list[CampaignActivity]
    total_reach: int
    by_dependencia: list[ReachRow]
    # Training sessions held within the campaign, each with ``attendance_count``. Kept apart
    # from the reach: a talk recorded as an activity may also be a session, and adding both
    # would count its people twice.
    sessions: Sequence[TrainingSession]


def campaign_summary(*, campaign: Campaign) -> CampaignSummary:
    activities = list(campaign.activities.select_related("dependencia", "recorded_by"))
    by_dependencia = reach_by_dependencia(
        (activity.dependencia.name if activity.dependencia else "", activity.reach)
        for activity in activities
    )
    sessions = list(
        TrainingSession.objects.filter(campaign=campaign)
        .select_related("course")
        .annotate(attendance_count=Count("attendances"))
        .order_by("held_on", "id")
    )
    return CampaignSummary(
        activities=activities,
        total_reach=sum(activity.reach for activity in activities),
        by_dependencia=by_dependencia,
        sessions=sessions,
    )
