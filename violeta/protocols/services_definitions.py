"""Loading protocol definitions into ProtocolVersion rows, and reading them back as schema
objects.

A loaded version is never changed: cases run on the version they started with, so changing it
under them would change the rules of a procedure already under way. New rules mean a new
version in the file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from violeta.audit.models import AuditAction
from violeta.audit.services import audit_record
from violeta.protocols.loader import ProtocolFileError, default_files, parse_protocol_file
from violeta.protocols.models import ProtocolVersion
from violeta.protocols.schema import Protocol


@dataclasses.dataclass
class LoadReport:
    created: int = 0
    unchanged: int = 0
    files: list[str] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created)


def protocol_versions_load(*, paths: Sequence[Path] | None = None) -> LoadReport:
    """Load protocol files, all or nothing. Loading the same files twice changes nothing.

    Every file is validated before the first write. A (code, version) already loaded with the
    same sha256 is left alone; with other content it is refused: the file must bump the
    version. Any problem raises ProtocolFileError and the database stays as it was.
    """
    files = [Path(path) for path in paths] if paths is not None else default_files()
    problems: list[str] = []
    candidates: list[ProtocolVersion] = []
    owners: dict[tuple[str, str], str] = {}
    for path in files:
        try:
            protocol, sha256 = parse_protocol_file(path)
        except ProtocolFileError as exc:
            problems.extend(exc.problems)
            continue
        identity = (protocol.code, protocol.version)
        if identity in owners:
            problems.append(
                f"{path.name}: version {protocol.version} of code {protocol.code} is also "
                f"defined in {owners[identity]}"
            )
            continue
        owners[identity] = path.name
        candidate = ProtocolVersion(
            code=protocol.code,
            version=protocol.version,
            name=protocol.name.es,
            definition=protocol.model_dump(mode="json", by_alias=True),
            source_file=path.name,
            sha256=sha256,
            effective_date=protocol.effective_date,
        )
        try:
            # Uniqueness is decided below, against the stored rows.
            candidate.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            problems.extend(
                f"{path.name}: {field}: {message}"
                for field, messages in exc.message_dict.items()
                for message in messages
            )
            continue
        candidates.append(candidate)
    if problems:
        raise ProtocolFileError(problems)

    report = LoadReport(files=[path.name for path in files])
    with transaction.atomic():
        created: list[ProtocolVersion] = []
        for candidate in candidates:
            stored = _stored_or_created(candidate)
            if stored is None:
                created.append(candidate)
            elif stored.sha256 == candidate.sha256:
                report.unchanged += 1
            else:
                problems.append(
                    f"{candidate.source_file}: bump the version: version {candidate.version} "
                    f"of code {candidate.code} is already loaded with other content; loaded "
                    f"versions are never changed because cases run on them"
                )
        if problems:
            # Raising inside the block rolls back the versions created above.
            raise ProtocolFileError(problems)
        # Which rules cases run under is part of the record; audited last because the entry
        # holds the chain's lock until commit.
        for version in created:
            audit_record(
                action=AuditAction.CREATE,
                target=version,
                detail={"code": version.code, "version": version.version, "sha256": version.sha256},
            )
        report.created = len(created)
    return report


def _stored_or_created(candidate: ProtocolVersion) -> ProtocolVersion | None:
    """The stored row for the candidate's (code, version), or None after creating it."""
    existing = ProtocolVersion.objects.filter(code=candidate.code, version=candidate.version)
    stored = existing.first()
    if stored is not None:
        return stored
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        # Another load created the same version between our read and our insert.
        return existing.get()
    return None


# Parsed definitions by (pk, sha256): the definition is read on every case page, and a stored
# version never changes, so its parsed form can live as long as the process. Versions are few
# (one per protocol revision), so the cache needs no eviction.
_DEFINITIONS: dict[tuple[int, str], Protocol] = {}


def protocol_definition(version: ProtocolVersion) -> Protocol:
    """The stored definition of a version as a validated schema object (cached per process)."""
    if version.pk is None:
        return Protocol.model_validate(version.definition)
    key = (version.pk, version.sha256)
    protocol = _DEFINITIONS.get(key)
    if protocol is None:
        protocol = Protocol.model_validate(version.definition)
        _DEFINITIONS[key] = protocol
    return protocol
