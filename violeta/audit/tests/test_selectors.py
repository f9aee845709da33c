import pytest

from violeta.audit.models import AuditAction
from violeta.audit.selectors import entries_for, views_of
from violeta.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_entries_for_a_record_are_its_own_newest_first(chain, servidora):
    assert [entry.seq for entry in entries_for(target=servidora)] == [5, 2, 1]


def test_views_of_a_record_lists_only_consultations(chain, servidora):
    assert [entry.seq for entry in views_of(target=servidora)] == [5, 1]


def test_the_person_who_acted_comes_in_the_same_query(
    chain, servidora, coordinacion, django_assert_num_queries
):
    with django_assert_num_queries(1):
        names = [getattr(entry.actor, "full_name", None) for entry in views_of(target=servidora)]
    assert names == [servidora.full_name, coordinacion.full_name]


def test_a_record_nobody_consulted_has_no_views(chain, outsider):
    audit_record(action=AuditAction.UPDATE, target=outsider)
    assert list(views_of(target=outsider)) == []
