"""The shape of a catalog file. Validation happens here, before anything touches the database."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from violeta.catalogs.vocabulary import Handle

Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(Strict):
    es: Text
    en: str = ""


class EntryBase(Strict):
    code: Code
    name: Localized
    description: Localized
    legal_source: Text
    effective_date: datetime.date
    repealed_date: datetime.date | None = None
    verified: bool = False

    @model_validator(mode="after")
    def _dates_in_order(self) -> EntryBase:
        if self.repealed_date is not None and self.repealed_date <= self.effective_date:
            raise ValueError("repealed_date must be after effective_date")
        return self


class LegalEntry(EntryBase):
    pass


class DependenciaEntry(EntryBase):
    short_name: Text
    kind: Literal["dependencia", "instituto", "organismo"]
    is_imm: bool = False
    # The code of the dependencia this one belongs to ("" for the top of a chain).
    parent: str = ""
    phone: str = ""
    extension: str = ""
    address: str = ""
    email: str = ""


HandleCode = Handle


class InstitutionEntry(EntryBase):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)

    short_name: Text
    level: Literal["municipal", "estatal", "federal"]
    handles: list[HandleCode] = Field(min_length=1)
    phone: str = ""
    address: str = ""
    hours: Localized | None = None
    url: str = ""
    email: str = ""
    # Name and position of whoever receives referrals at the institution.
    liaison: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    emergency: bool = False

    @field_validator("email")
    @classmethod
    def _email_is_an_address(cls, value: str) -> str:
        # Checked here, not only by the model, so a typo stops the whole load before any write.
        if value:
            try:
                validate_email(value)
            except DjangoValidationError as exc:
                raise ValueError("not a valid e-mail address") from exc
        return value


class VulnerableGroupEntry(EntryBase):
    guidelines: list[Localized] = Field(min_length=1)


class FileHeader(Strict):
    catalog: Literal[
        "violence_types",
        "violence_modalities",
        "dependencias",
        "institutions",
        "principles",
        "vulnerable_groups",
    ]
    law: Literal["lgamvlv", "ledmvlv"] | None = None
    source: Text
    source_url: str = ""
    entries: list[dict[str, object]] = Field(min_length=1)

    @model_validator(mode="after")
    def _law_only_for_legal_catalogs(self) -> FileHeader:
        legal = self.catalog in {"violence_types", "violence_modalities"}
        if legal and self.law is None:
            raise ValueError("law is required for violence_types and violence_modalities")
        if not legal and self.law is not None:
            raise ValueError("law is only allowed for violence_types and violence_modalities")
        return self


ENTRY_SCHEMAS: dict[str, type[EntryBase]] = {
    "violence_types": LegalEntry,
    "violence_modalities": LegalEntry,
    "dependencias": DependenciaEntry,
    "institutions": InstitutionEntry,
    "principles": LegalEntry,
    "vulnerable_groups": VulnerableGroupEntry,
}
