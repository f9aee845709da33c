"""Loaded protocol versions are kept in memory under the catalogs' generation token, which every
version written renews: a page reads them once, and a new version is seen at once."""

import datetime
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from violeta.catalogs.models import CatalogGeneration
from violeta.catalogs.selectors import catalog_reads_shared
from violeta.protocols.models import ProtocolVersion
from violeta.protocols.selectors_definitions import (
    protocol_version_ids,
    protocol_versions,
    protocol_versions_loaded,
    protocols_current,
)
from violeta.protocols.tests.test_engine import protocol_version_create

pytestmark = pytest.mark.django_db


def _tables(read: Callable[[], Any]) -> tuple[list[str], Any]:
    """The statements ``read`` sent, each named by the first table it reads, and its answer."""
    with CaptureQueriesContext(connection) as captured:
        answer = read()
    return [query["sql"].split("FROM", 1)[1].split()[0] for query in captured], answer


def _later_version(code: str, **changes: Any) -> ProtocolVersion:
    base = ProtocolVersion.objects.filter(code=code).latest("pk")
    fields = {
        "code": base.code,
        "version": f"{base.version}-{uuid.uuid4().hex[:6]}",
        "name": base.name,
        "definition": base.definition,
        "source_file": base.source_file,
        "sha256": base.sha256,
        "effective_date": base.effective_date + datetime.timedelta(days=1),
    }
    fields.update(changes)
    return ProtocolVersion(**fields)


def test_the_current_versions_are_read_once_then_only_the_token(protocols):
    first = protocols_current()
    tables, again = _tables(protocols_current)
    assert tables == ['"catalogs_cataloggeneration"']
    assert [v.pk for v in again] == [v.pk for v in first]
    assert again is not first  # a caller may change its list without changing the next one's
    # What is remembered is what the database answers.
    assert sorted(v.code for v in again) == sorted(
        ProtocolVersion.objects.values_list("code", flat=True).distinct()
    )


def test_a_version_loaded_is_current_at_once(protocols):
    before = {v.code: v.pk for v in protocols_current()}
    newer = _later_version("chihuahua-municipal", effective_date=datetime.date(2024, 1, 1))
    newer.save()
    after = {v.code: v.pk for v in protocols_current()}
    assert after["chihuahua-municipal"] == newer.pk
    assert after["hsas-federal"] == before["hsas-federal"]
    assert newer.pk in protocol_version_ids(code="chihuahua-municipal")
    assert protocol_versions_loaded()[-1].pk == newer.pk


def test_a_version_of_another_day_is_another_question(protocols):
    future = _later_version("hsas-federal", effective_date=datetime.date(2099, 1, 1))
    future.save()
    today = {v.code: v.pk for v in protocols_current()}
    then = {v.code: v.pk for v in protocols_current(on=datetime.date(2099, 6, 1))}
    assert today["hsas-federal"] != future.pk
    assert then["hsas-federal"] == future.pk


def test_a_version_written_and_rolled_back_leaves_nothing_behind(protocols):
    before = [v.pk for v in protocols_current()]
    with pytest.raises(RuntimeError), transaction.atomic():
        newer = _later_version("chihuahua-municipal", effective_date=datetime.date(2024, 1, 1))
        newer.save()
        assert newer.pk in [v.pk for v in protocols_current()]
        raise RuntimeError("the load failed")
    assert [v.pk for v in protocols_current()] == before
    assert newer.pk not in protocol_version_ids(code="chihuahua-municipal")


def test_a_deleted_version_is_forgotten(protocols):
    version = protocol_version_create()
    assert version.pk in protocol_version_ids(code="prueba")
    version.delete()
    assert protocol_version_ids(code="prueba") == []


def test_a_version_loaded_elsewhere_is_seen_by_its_token(protocols):
    protocols_current()
    # What a load on another connection leaves: a new row and a new token (its receivers ran
    # there, not here).
    (newer,) = ProtocolVersion.objects.bulk_create(
        [_later_version("chihuahua-municipal", effective_date=datetime.date(2024, 1, 1))]
    )
    assert newer.pk not in [v.pk for v in protocols_current()]  # same token: remembered
    CatalogGeneration.objects.update(token=uuid.uuid4())
    assert newer.pk in [v.pk for v in protocols_current()]


def test_versions_by_id_read_afresh_those_loaded_after_the_token(protocols):
    known = protocol_versions_loaded()
    with catalog_reads_shared():
        tables, found = _tables(lambda: protocol_versions([v.pk for v in known]))
        assert set(found) == {v.pk for v in known}
        assert tables == ['"catalogs_cataloggeneration"']
        # Loaded elsewhere after this block read its token: unknown here, so read by id.
        (newer,) = ProtocolVersion.objects.bulk_create(
            [_later_version("hsas-federal", effective_date=datetime.date(2024, 1, 1))]
        )
        tables, found = _tables(lambda: protocol_versions([known[0].pk, newer.pk]))
    assert tables == ['"protocols_protocolversion"']
    assert found[newer.pk].version == newer.version
    assert found[known[0].pk].pk == known[0].pk
    assert protocol_versions([]) == {}


def test_without_a_token_every_read_goes_to_the_database(protocols):
    CatalogGeneration.objects.all().delete()
    assert _tables(protocols_current)[0] == [
        '"catalogs_cataloggeneration"',
        '"protocols_protocolversion"',
    ]
    assert len(_tables(protocols_current)[0]) == 2
