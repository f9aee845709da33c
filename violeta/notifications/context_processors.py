from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from violeta.accounts.roles import is_staff_member
from violeta.notifications.selectors import unread_count


def notices(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not is_staff_member(user):
        return {}
    return {"unread_notices": unread_count(user=user)}
