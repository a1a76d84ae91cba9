"""The data PoUS requests and answers carry: a request for a T2L, T2LF or customs goods manifest (CGM), the
officers' decisions, a presentation (use) at an office, and the proofs as shown to their holder, to customs and
to the public.

Structural rules are checked here (pydantic: types, lengths, formats); the rules that need the reference data,
EOS or the recorded authorisations are in :mod:`.validation`. Both report every error at once."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from eucustoms.core.identifiers import EORI

ProofType = Literal["T2L", "T2LF", "CGM"]
PROOF_TYPES: tuple[str, ...] = ("T2L", "T2LF", "CGM")

OFFICE = r"^[A-Za-z]{2}[A-Za-z0-9]{6}$"
UNLOCODE = r"^[A-Za-z]{2}[A-Za-z0-9]{3}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _upper(v: str | None) -> str | None:
    return v.upper() if isinstance(v, str) else v


class GoodsItem(_Strict):
    """One goods item of the proof; the items of a manifest are used one by one."""

    item_number: int = Field(ge=1, le=9999)
    description: str = Field(min_length=1, max_length=512, description="description of the goods")
    cn_code: str | None = Field(default=None, pattern=r"^[0-9]{6}([0-9]{2})?$",
                                description="HS subheading (6 digits) or CN code (8 digits); optional")
    gross_mass: Decimal = Field(gt=0, max_digits=16, decimal_places=6, allow_inf_nan=False, description="kg")
    packages: int = Field(ge=0, le=99_999_999, description="number of packages (0 for goods in bulk)")
    package_kind: str | None = Field(default=None, min_length=2, max_length=2,
                                     description="kind of packages (CS/RD2 KindOfPackages)")
    containers: list[str] = Field(default_factory=list, max_length=99,
                                  description="container identification numbers (ISO 6346)")
    non_union_packaging: bool = Field(default=False, description="the packaging is not Union goods (Art. 199(4) IA)")
    transport_document: str | None = Field(default=None, min_length=1, max_length=70,
                                           description="bill of lading or other transport document (manifest)")

    @field_validator("containers")
    @classmethod
    def _containers(cls, v: list[str]) -> list[str]:
        return [c.replace(" ", "").upper() for c in v]

    _up = field_validator("package_kind")(classmethod(lambda cls, v: _upper(v)))


class Transport(_Strict):
    """The carriage of the goods: for a customs goods manifest, the vessel (name and IMO number), the ports of
    departure and arrival and the voyage."""

    mode: str | None = Field(default=None, pattern=r"^[1-9]$", description="CS/RD2 TransportModeCode (1 = sea)")
    vessel_name: str | None = Field(default=None, min_length=1, max_length=35)
    imo_number: str | None = Field(default=None, pattern=r"^(IMO ?)?[0-9]{7}$", description="IMO ship identification number")
    means_identity: str | None = Field(default=None, min_length=1, max_length=35,
                                       description="identity of another means of transport (e.g. registration)")
    port_of_departure: str | None = Field(default=None, pattern=UNLOCODE, description="UN/LOCODE")
    port_of_arrival: str | None = Field(default=None, pattern=UNLOCODE, description="UN/LOCODE")
    voyage_number: str | None = Field(default=None, min_length=1, max_length=35)
    departure_date: date | None = None

    @field_validator("imo_number")
    @classmethod
    def _imo(cls, v: str | None) -> str | None:
        return v.upper().replace("IMO", "").strip() if v else v

    _up = field_validator("port_of_departure", "port_of_arrival")(classmethod(lambda cls, v: _upper(v)))


class ProofRequest(_Strict):
    """A request for a proof of the customs status of Union goods, by the person concerned or an authorised
    issuer (who registers it without endorsement)."""

    lrn: str = Field(min_length=1, max_length=22, description="the requester's reference, unique per requester")
    proof_type: ProofType
    requester: str = Field(description="EORI of the person concerned (the holder of the proof)")
    authorised_issuer: bool = Field(default=False, description="issued by an authorised issuer (Art. 128 DA)")
    authorisation_reference: str | None = Field(default=None, min_length=1, max_length=35,
                                                description="the authorised issuer (ACP) authorisation")
    office_of_issue: str = Field(pattern=OFFICE, description="the customs office competent for the proof (an8)")
    items: list[GoodsItem] = Field(min_length=1, max_length=9999)
    transport: Transport | None = None

    @field_validator("requester")
    @classmethod
    def _eori(cls, v: str) -> str:
        return str(EORI.parse(v))

    _up = field_validator("office_of_issue")(classmethod(lambda cls, v: _upper(v)))


class Endorsement(_Strict):
    """The office of issue endorses the request (after a control, if it made one)."""

    remarks: str | None = Field(default=None, max_length=512)


class Refusal(_Strict):
    reason: str = Field(min_length=1, max_length=512)


class Invalidation(_Strict):
    reason: str = Field(min_length=1, max_length=512)


class Presentation(_Strict):
    """The goods are presented at an office in the Union and the proof is used there: a T2L/T2LF as a whole, a
    customs goods manifest item by item (all remaining items when ``items`` is omitted)."""

    office: str | None = Field(default=None, pattern=OFFICE, description="office of presentation; the officer's own when omitted")
    items: list[int] | None = Field(default=None, min_length=1, max_length=9999)
    reference: str | None = Field(default=None, min_length=1, max_length=70,
                                  description="the declaration the proof supports (e.g. temporary storage MRN)")

    _up = field_validator("office")(classmethod(lambda cls, v: _upper(v)))


class AcpAuthorisation(_Strict):
    """An authorised issuer (ACP) authorisation granted by the officer's member state."""

    reference: str = Field(min_length=1, max_length=35)
    holder: str
    proof_types: list[ProofType] = Field(default_factory=lambda: list(PROOF_TYPES), min_length=1)
    valid_from: date | None = None
    valid_to: date | None = None

    @field_validator("holder")
    @classmethod
    def _eori(cls, v: str) -> str:
        return str(EORI.parse(v))


# -- answers ---------------------------------------------------------------------------------------------------

class Item(BaseModel):
    item_number: int
    description: str
    cn_code: str | None
    gross_mass: Decimal
    packages: int
    package_kind: str | None
    containers: list[str]
    non_union_packaging: bool
    transport_document: str | None
    used: bool
    use_id: int | None


class Use(BaseModel):
    id: int
    office: str
    country: str
    items: list[int]
    complete: bool
    reference: str | None
    at: datetime
    by: str


class LogEntry(BaseModel):
    direction: str
    message_type: str
    party: str
    at: datetime
    payload: dict[str, Any]


class Proof(BaseModel):
    """A proof as its holder, the customs authorities concerned and the Commission see it."""

    mrn: str
    lrn: str
    proof_type: str
    document_code: str = Field(description="N825 T2L, C620 T2LF, N785 manifest (for references in declarations)")
    state: str = Field(description="as of now: a registered proof past its validity is expired")
    requester: str
    authorised_issuer: bool
    authorisation_reference: str | None
    office_of_issue: str
    country: str
    port_of_departure: str | None
    port_of_arrival: str | None
    requested_at: datetime
    registered_at: datetime | None
    valid_until: date | None
    registered_by: str | None
    endorsing_office: str | None
    remarks: str | None
    rejected_at: datetime | None
    rejection_reason: str | None
    invalidated_at: datetime | None
    invalidated_by: str | None
    invalidation_reason: str | None
    items_total: int
    items_used: int
    transport: dict[str, Any] | None
    items: list[Item]
    uses: list[Use]
    allowed_actions: list[str]
    message_log: list[LogEntry]
    updated_at: datetime
    version: int


class ProofSummary(BaseModel):
    mrn: str
    lrn: str
    proof_type: str
    state: str
    requester: str
    office_of_issue: str
    requested_at: datetime
    valid_until: date | None
    items_total: int
    items_used: int


class ProofPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ProofSummary]


class Verification(BaseModel):
    """The public verification of a proof by its MRN: its type, state and validity, and nothing about the
    parties or the goods."""

    mrn: str
    found: bool
    proof_type: str | None = None
    state: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    usable: bool = Field(default=False, description="registered (or partly used), within its validity, today")
    checked_at: datetime


class Authorisation(BaseModel):
    reference: str
    holder: str
    country: str
    proof_types: list[str]
    valid_from: date
    valid_to: date | None
    recorded_by: str
    recorded_at: datetime
