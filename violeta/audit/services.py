"""The one way to write the audit log."""

from __future__ import annotations

import contextlib
import contextvars
import enum
import re
from collections.abc import Iterator, Mapping

from django.apps import apps
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils import timezone

from violeta import db
from violeta.audit.chain import GENESIS_HASH, entry_hash
from violeta.audit.context import current_audit_context
from violeta.audit.models import AuditAction, AuditChainHead, AuditEntry, target_reference

# Detail holds codes and field names. These limits are a guard against someone putting case
# content (a narrative, a name, an address) in the log, which administrators can read.
DETAIL_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")
DETAIL_TEXT_MAX = 120
DETAIL_LIST_MAX = 50
TARGET_TYPE = re.compile(r"[a-z_][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*")
TARGET_ID_MAX = 64

DetailScalar = str | int | bool | None
DetailValue = DetailScalar | list[DetailScalar]


class _Unset(enum.Enum):
    UNSET = enum.auto()


UNSET = _Unset.UNSET


class AuditChainError(RuntimeError):
    """The chain cannot be extended safely; something outside the application changed it."""


def audit_record(
    *,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    detail: Mapping[str, object] | None = None,
    actor: AbstractBaseUser | _Unset | None = UNSET,
) -> AuditEntry:
    """Append one entry to the audit log and return it.

    Call it inside the transaction that makes the change it describes: it joins that
    transaction, so the entry commits or rolls back with the change. Without ``actor`` the
    person comes from the current request (``AuditContextMiddleware``); pass ``actor=None`` for
    something nobody did in person. The entry holds the chain's write lock until the
    transaction ends, so audit late in long transactions. Inside ``audit_batch()`` the entry is
    saved, and linked to the chain, when the block ends.

    Raises ValueError for an unknown action, a bad target or a ``detail`` that could carry
    content (see ``detail_validate``).
    """
    code = AuditAction(action).value
    target_type, target_id = _target_reference(target, target_type, target_id)
    clean_detail = detail_validate(detail)
    context = current_audit_context()
    who = context.actor if actor is UNSET else actor
    if who is not None and not who.is_authenticated:
        who = None  # request.user of a visitor: nobody in person
    if who is not None and who.pk is None:
        raise ValueError("The actor must be a saved user.")

    entry = AuditEntry(
        actor_id=who.pk if who is not None else None,
        origin=context.origin.value,
        session_ref=context.session_ref,
        action=code,
        target_type=target_type,
        target_id=target_id,
        detail=clean_detail,
    )
    batch = _BATCH.get()
    if batch is not None:
        batch.append(entry)
    else:
        _append([entry])
    return entry


_BATCH: contextvars.ContextVar[list[AuditEntry] | None] = contextvars.ContextVar(
    "audit_batch", default=None
)


@contextlib.contextmanager
def audit_batch() -> Iterator[None]:
    """Append the entries recorded inside the block together when it ends: the chain is
    advanced once, its lock is taken only then, and the entries are written in one statement.

    Use it inside the transaction of a write that records several entries and that is undone
    whole on any error (an exception leaving the block discards its entries, and must roll
    the transaction back). Entries recorded inside are not saved until the block ends. Nested
    blocks join the outer one.
    """
    if _BATCH.get() is not None:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("audit_batch() must run inside the transaction it describes.")
    entries: list[AuditEntry] = []
    token = _BATCH.set(entries)
    try:
        yield
    finally:
        _BATCH.reset(token)
    if entries:
        _append(entries)


def _append(entries: list[AuditEntry]) -> None:
    """Link ``entries`` to the chain, in order, and save them. No savepoint of its own: an
    entry that cannot be written must undo the change it describes, never be skipped."""
    with transaction.atomic(savepoint=False):
        last, prev_hash = _chain_advance(len(entries))
        # Taken after the lock, so seq order and time order agree (on one clock).
        now = timezone.now()
        for seq, entry in enumerate(entries, start=last - len(entries) + 1):
            entry.seq = seq
            entry.created_at = now
            entry.prev_hash = prev_hash
            entry.hash = prev_hash = entry_hash(prev_hash=prev_hash, entry=entry)
        if len(entries) == 1:
            entries[0].save(force_insert=True)
        else:
            AuditEntry.objects.bulk_create(entries)
        AuditChainHead.objects.filter(pk=AuditChainHead.SINGLETON_ID).update(hash=prev_hash)


def _chain_advance(count: int = 1) -> tuple[int, str]:
    """Take the chain's write lock, reserve ``count`` seqs and return the last of them and the
    hash the first must link to.

    Why an UPDATE of a single head row, first: it is the one statement that takes the same
    exclusive lock on both databases. On PostgreSQL it locks the row until commit; a concurrent
    appender's UPDATE waits, then (READ COMMITTED) re-reads the committed row, so it gets the
    next seq and the hash just written. Under REPEATABLE READ it fails with a serialization
    error instead: loud, never a fork. On SQLite the UPDATE takes the database write lock;
    SELECT ... FOR UPDATE would be ignored there, and a read first would let two appenders see
    the same head. The unique constraint on seq is the last line if all else fails.
    """
    advanced = _head_advance(count)
    if advanced is None:
        _chain_start()
        advanced = _head_advance(count)
        if advanced is None:
            raise AuditChainError("The audit chain head could not be created.")
    return advanced


def _head_advance(count: int) -> tuple[int, str] | None:
    """The UPDATE of the head, and the head it left; None if there is no head yet."""
    heads = AuditChainHead.objects.filter(pk=AuditChainHead.SINGLETON_ID)
    if not db.writes_return_rows():
        if heads.update(seq=F("seq") + count) == 0:
            return None
        return heads.values_list("seq", "hash").get()
    # One statement where the database returns rows from an UPDATE (the ORM cannot ask for
    # them). The table name is the model's, quoted.
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET seq = seq + %s WHERE id = %s RETURNING seq, hash",  # noqa: S608
            [count, AuditChainHead.SINGLETON_ID],
        )
        row = cursor.fetchone()
    return None if row is None else (row[0], row[1])


def _chain_start() -> None:
    """Create the head of an empty log (first append ever, or after a test flush)."""
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(id=AuditChainHead.SINGLETON_ID, seq=0, hash=GENESIS_HASH)
            if AuditEntry.objects.exists():
                # Entries without a head: someone deleted the head row. Restarting at seq 1
                # would hide that, so refuse until verify_audit has been looked at.
                raise AuditChainError(
                    "The audit chain head is missing but entries exist; run verify_audit."
                )
    except IntegrityError:
        pass  # another appender created it first; the UPDATE that follows waits for it


def _target_reference(
    target: models.Model | None, target_type: str, target_id: str
) -> tuple[str, str]:
    if target is not None:
        if target_type or target_id:
            raise ValueError("Give either target or target_type/target_id, not both.")
        if target.pk is None:
            raise ValueError("The target must be saved before it is audited.")
        return target_reference(target)
    if target_id and not target_type:
        raise ValueError("A target_id needs its target_type.")
    if target_type:
        if not TARGET_TYPE.fullmatch(target_type):
            raise ValueError("target_type must look like 'app_label.ModelName'.")
        try:
            apps.get_model(target_type)
        except LookupError as exc:
            raise ValueError("target_type does not name an installed model.") from exc
    if len(target_id) > TARGET_ID_MAX:
        raise ValueError(f"target_id is longer than {TARGET_ID_MAX} characters.")
    return target_type, target_id


def detail_validate(detail: Mapping[str, object] | None) -> dict[str, DetailValue]:
    """A plain copy of ``detail`` if it holds only codes, field names, numbers and flags.

    Keys: lower-case identifiers. Values: str (printable, at most 120 characters), int, bool,
    None, or a list of those (at most 50). Anything else raises ValueError. Error messages
    name the key, never the value: they end up in logs, and the value may be the content
    this guard exists to keep out.
    """
    if detail is None:
        return {}
    if not isinstance(detail, Mapping):
        raise ValueError("detail must be a mapping.")
    clean: dict[str, DetailValue] = {}
    for key, value in detail.items():
        if not isinstance(key, str) or not DETAIL_KEY.fullmatch(key):
            raise ValueError("detail keys must be lower-case identifiers (codes, field names).")
        if isinstance(value, list | tuple):
            if len(value) > DETAIL_LIST_MAX:
                raise ValueError(f"detail[{key!r}] has more than {DETAIL_LIST_MAX} items.")
            clean[key] = [_detail_scalar(key, item) for item in value]
        else:
            clean[key] = _detail_scalar(key, value)
    return clean


def _detail_scalar(key: str, value: object) -> DetailScalar:
    if value is None:
        return None
    # bool before int: bool is an int, and must stay a bool in the hashed JSON.
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        if len(value) > DETAIL_TEXT_MAX:
            raise ValueError(
                f"detail[{key!r}] is longer than {DETAIL_TEXT_MAX} characters: "
                "store a code, not content."
            )
        if not value.isprintable():
            raise ValueError(f"detail[{key!r}] contains line breaks or control characters.")
        # A plain str: TextChoices members and other subclasses serialise the same way now
        # and after a round trip through the database.
        return str.__str__(value)
    raise ValueError(
        f"detail[{key!r}] must be str, int, bool, None or a list of those, "
        f"not {type(value).__name__}."
    )
