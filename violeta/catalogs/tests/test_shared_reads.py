import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from violeta.catalogs.models import Law
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


def test_outside_a_shared_block_every_read_goes_to_the_database(catalogs):
    assert _queries(institutions)[0] == 1
    assert _queries(institutions)[0] == 1


def test_inside_a_shared_block_each_distinct_read_is_made_once(catalogs):
    with catalog_reads_shared():
        first_count, first = _queries(institutions)
        again_count, again = _queries(institutions)
        # Another catalog, another law and another day are other reads.
        assert _queries(dependencias)[0] == 1
        assert _queries(lambda: violence_types(law=Law.LGAMVLV))[0] == 1
        assert _queries(lambda: violence_types(law=Law.LEDMVLV))[0] == 1
        past = datetime.date(2000, 1, 1)
        assert _queries(lambda: institutions(on=past))[0] == 1
    assert (first_count, again_count) == (1, 0)
    assert [entry.code for entry in again] == [entry.code for entry in first]
    assert again is not first  # a caller may change its list without changing the next one's
    # The block's answers are gone with it.
    assert _queries(institutions)[0] == 1
