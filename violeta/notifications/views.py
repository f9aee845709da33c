from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from violeta.accounts.roles import is_staff_member
from violeta.notifications.selectors import notifications_for
from violeta.notifications.services import notifications_mark_read


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise Http404
    return render(
        request,
        "notifications/inbox.html",
        {"notifications": notifications_for(user=request.user)[:100]},
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_read(user=request.user)
    return redirect("notifications:inbox")
