import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory

from violeta.audit.context import current_audit_context, session_ref_for
from violeta.audit.middleware import AuditContextMiddleware
from violeta.audit.models import AuditAction, AuditEntry, AuditOrigin
from violeta.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _request(user, session_key=None):
    request = RequestFactory().get("/personal/inicio/", REMOTE_ADDR="203.0.113.9")
    request.user = user
    request.session = SessionStore(session_key)
    return request


def _signed_in_session(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session.create()
    return session.session_key


def test_during_a_request_entries_name_the_person_and_a_reference_to_her_session(atencion):
    key = _signed_in_session(atencion)
    contexts = []
    entries = []

    def view(request):
        contexts.append(current_audit_context())
        entries.append(audit_record(action=AuditAction.VIEW, target=atencion))
        return HttpResponse()

    AuditContextMiddleware(view)(_request(atencion, key))
    assert (contexts[0].origin, contexts[0].actor, contexts[0].session_ref) == (
        AuditOrigin.WEB,
        atencion,
        session_ref_for(key),
    )
    entry = AuditEntry.objects.get(pk=entries[0].pk)
    assert (entry.actor, entry.origin, entry.session_ref) == (atencion, "web", session_ref_for(key))
    assert len(entry.session_ref) == 16
    row = str(AuditEntry.objects.filter(pk=entry.pk).values().get())
    assert key not in row
    assert "203.0.113.9" not in row


def test_a_visitor_is_nobody_and_has_no_session_reference():
    contexts = []

    def view(request):
        contexts.append(current_audit_context())
        return HttpResponse()

    AuditContextMiddleware(view)(_request(AnonymousUser()))
    assert (contexts[0].origin, contexts[0].actor, contexts[0].session_ref) == (
        AuditOrigin.WEB,
        None,
        "",
    )


def test_the_context_ends_with_the_request(atencion):
    AuditContextMiddleware(lambda request: HttpResponse())(_request(atencion))
    assert current_audit_context().origin == AuditOrigin.SYSTEM
    assert current_audit_context().actor is None


def test_the_context_ends_even_when_the_view_fails(atencion):
    def failing_view(request):
        raise RuntimeError("the view failed")

    with pytest.raises(RuntimeError):
        AuditContextMiddleware(failing_view)(_request(atencion))
    assert current_audit_context().origin == AuditOrigin.SYSTEM
    assert current_audit_context().actor is None
