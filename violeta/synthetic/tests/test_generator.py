"""The generator on its own: deterministic per seed, faithful to the models and the crypto."""

from __future__ import annotations

import datetime
import os
import re
from typing import Any

import pytest
from django.db import connection

from violeta.catalogs.selectors import dependencias, imm
from violeta.crypto.blind_index import NORMALIZERS, blind_index
from violeta.crypto.fields import EncryptedTextField
from violeta.synthetic import tables, texts
from violeta.synthetic.generate import ChunkGenerator
from violeta.synthetic.sealer import Sealer
from violeta.synthetic.staff import staff_ensure
from violeta.synthetic.tests.conftest import NOW, generate
from violeta.synthetic.world import World, world_build

pytestmark = pytest.mark.django_db


def _world(seed: str, count: int = 40) -> World:
    institute = imm()
    assert institute is not None
    staff = staff_ensure(
        imm=institute, dependencias=dependencias(), since=datetime.date(2023, 1, 1)
    )
    return world_build(count=count, seed=seed, years=3, staff=staff, now=NOW)


def _rows(world: World) -> dict[str, list[list[str]]]:
    """The rows with what is random by design (keys, nonces, ciphertext) masked."""
    out = ChunkGenerator(
        world, Sealer(), chunk=0, folio_base=dict.fromkeys(range(2020, 2030), 0), run_id_base=1
    ).generate(0, 40)
    masked: dict[str, list[list[str]]] = {}
    for table in tables.TABLES:
        columns = tables.ROW_COLUMNS[table.name]
        secret = {
            i
            for i, column in enumerate(columns)
            if column == "wrapped"
            or any(
                isinstance(f, EncryptedTextField) and f.column == column
                for f in table.model._meta.fields
            )
        }
        masked[table.name] = [
            ["*" if i in secret else value for i, value in enumerate(line.split("\t"))]
            for line in out[table.name]
        ]
    return masked


def test_generator_columns_match_the_models() -> None:
    assert tables.columns_check() == []


def test_same_seed_same_data_other_seed_other_data(catalogs: None, frozen: Any) -> None:
    first = _rows(_world("7:0"))
    assert first == _rows(_world("7:0"))
    assert first != _rows(_world("8:0"))


def test_rows_are_valid_copy_text(catalogs: None, frozen: Any) -> None:
    out = ChunkGenerator(
        _world("3:0"), Sealer(), chunk=0, folio_base=dict.fromkeys(range(2020, 2030), 0),
        run_id_base=1,
    ).generate(0, 40)  # fmt: skip
    for name, lines in out.items():
        width = len(tables.ROW_COLUMNS[name])
        for line in lines:
            assert "\n" not in line and "\r" not in line
            assert line.count("\t") == width - 1, name
            assert "\\" not in line.replace("\\N", "").replace("\\\\x", ""), name


def test_texts_have_no_copy_specials() -> None:
    def strings(value: Any) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        if isinstance(value, tuple | list):
            return [s for v in value for s in strings(v)]
        return []

    everything = [s for name in dir(texts) if name.isupper() for s in strings(getattr(texts, name))]
    assert everything
    assert not [s for s in everything if any(ch in s for ch in "\t\n\r\\")]


def test_sealer_matches_the_project_crypto(catalogs: None) -> None:
    sealer = Sealer()
    sealer.self_check(NORMALIZERS)
    assert sealer.index("name", "seudonimo") == blind_index("name", "Seudónimo")


def test_postgres_rebuild_restores_every_index_and_key(catalogs: None, frozen: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Index rebuilding is a PostgreSQL path.")
    names = [table.name for table in tables.TABLES]

    def schema() -> list[tuple[str, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = ANY(%s::regclass[]) ORDER BY 1",
                [names],
            )
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), "
                "convalidated FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) "
                "OR confrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
                [names, names],
            )
            return [*indexes, *cursor.fetchall()]

    before = schema()
    out, _err = generate(cases=30, indexes="rebuild")
    assert schema() == before
    # The report says how long the rows took, and how much of that the database took.
    assert re.search(r"Filas: [\d.]+ s \([\d.]+ s de ellas entregándolas a la base de datos\)", out)


def test_calendar_counts_business_days_as_the_protocols_do(catalogs: None, frozen: Any) -> None:
    from violeta.protocols.calendar import is_business_day

    calendar = _world("1:0").calendar
    epoch = datetime.date(1970, 1, 1)
    for day in range(calendar.local_d0, calendar.d1 - 7, 7):
        for offset in range(7):
            date = epoch + datetime.timedelta(days=day + offset)
            assert calendar.is_business(day + offset) == is_business_day(date), date


def test_a_forked_worker_never_reuses_its_parents_random_bytes() -> None:
    sealer = Sealer()
    aads = [sealer.aad_prefix("cases.Case", "account")]
    sealer.seal_record(bytes(16), b"0", aads, [b"x"])  # the pool is read and partly used
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        wrapped, _tokens = sealer.seal_record(bytes(16), b"0", aads, [b"x"])
        os.write(write, wrapped)
        os._exit(0)
    os.close(write)
    wrapped, _tokens = sealer.seal_record(bytes(16), b"0", aads, [b"x"])
    os.waitpid(child, 0)
    from_child = os.read(read, 1024)
    os.close(read)
    assert len(from_child) == len(wrapped)
    # The wrapped key starts with its nonce: parent and child drew different bytes.
    assert from_child[:12] != wrapped[:12]
