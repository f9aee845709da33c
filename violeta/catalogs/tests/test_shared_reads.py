import datetime
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from violeta.catalogs.models import CatalogGeneration, Institution, Law
from violeta.catalogs.receivers import generation_bump
from violeta.catalogs.selectors import (
    catalog_reads_shared,
    dependencias,
    institutions,
    violence_types,
)

pytestmark = pytest.mark.django_db


def _queries(read: Callable[[], Any]) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        result = read()
    return len(captured), result


def test_a_read_is_remembered_until_a_catalog_is_written(catalogs):
    institutions()
    count, first = _queries(institutions)
    assert count == 1  # the generation token, nothing else
    entry = Institution.objects.get(pk=first[0].pk)
    entry.name_es = "Centro con nombre nuevo"
    entry.save()
    count, after = _queries(institutions)
    assert count == 2  # a new token: the rows are read again
    assert next(e for e in after if e.pk == entry.pk).name_es == "Centro con nombre nuevo"
    assert after is not first  # a caller may change its list without changing the next one's


def test_a_write_rolled_back_leaves_nothing_behind(catalogs):
    before = [entry.name_es for entry in institutions()]
    with pytest.raises(RuntimeError), transaction.atomic():
        entry = Institution.objects.first()
        assert entry is not None
        entry.name_es = "Nombre que no se guardó"
        entry.save()
        assert "Nombre que no se guardó" in [e.name_es for e in institutions()]
        raise RuntimeError("the change failed")
    assert [entry.name_es for entry in institutions()] == before


def test_a_write_from_another_process_is_seen_by_its_token(catalogs):
    institutions()
    # What a write on another connection leaves: new rows and a new token (its receivers ran
    # there, not here).
    Institution.objects.filter(pk=Institution.objects.earliest("pk").pk).update(
        name_es="Renombrada"
    )
    assert "Renombrada" not in [e.name_es for e in institutions()]  # same token: remembered
    CatalogGeneration.objects.update(token=uuid.uuid4())
    assert "Renombrada" in [e.name_es for e in institutions()]


def test_without_a_token_every_read_goes_to_the_database(catalogs):
    CatalogGeneration.objects.all().delete()
    assert _queries(institutions)[0] == 2
    assert _queries(institutions)[0] == 2


def test_inside_a_shared_block_the_token_is_read_once(catalogs):
    generation_bump()
    with catalog_reads_shared():
        first_count, first = _queries(institutions)
        again_count, again = _queries(institutions)
        # Another catalog, another law and another day are other reads.
        assert _queries(dependencias)[0] == 1
        assert _queries(lambda: violence_types(law=Law.LGAMVLV))[0] == 1
        assert _queries(lambda: violence_types(law=Law.LEDMVLV))[0] == 1
        past = datetime.date(2000, 1, 1)
        assert _queries(lambda: institutions(on=past))[0] == 1
    assert (first_count, again_count) == (2, 0)
    assert [entry.code for entry in again] == [entry.code for entry in first]
    assert again is not first


def test_every_catalog_write_gives_a_new_token(catalogs):
    token = CatalogGeneration.objects.get().token
    entry = Institution.objects.first()
    assert entry is not None
    entry.save()
    assert CatalogGeneration.objects.get().token != token


def test_a_nested_block_is_the_same_block(catalogs):
    generation_bump()
    with catalog_reads_shared():
        assert _queries(institutions)[0] == 2
        with catalog_reads_shared():
            assert _queries(institutions)[0] == 0  # no new token read, no new rows
            assert _queries(dependencias)[0] == 1
        assert _queries(dependencias)[0] == 0  # what the inner block read stays known
