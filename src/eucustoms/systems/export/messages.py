"""AES messages as structured JSON: the export declaration (IE515, also the body of an amendment IE513), the
arrival at exit (IE507) and the exit notification (IE590). Data elements are named after the UCC DA/IA Annex B
(the D.E. number is given on each field, column B1 "export declaration and re-export declaration").

Only the *shape* is checked here (types, lengths, required fields, fixed code sets). Everything a business rule
decides — identifiers, offices and their roles, countries, goods codes, masses, code lists — is checked in
:mod:`.validation`, so that one rejection lists every error of the message at once."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# D.E. 1/10: requested procedure (2 digits) + previous procedure (2 digits).
REQUESTED_PROCEDURES = {
    "10": "permanent export",
    "11": "export of compensating products obtained from equivalent goods under inward processing",
    "21": "temporary export under outward processing",
    "22": "temporary export other than 21 and 23",
    "23": "temporary export for return in the unaltered state",
    "31": "re-export (non-Union goods after a special procedure)",
}
PREVIOUS_PROCEDURES = {
    "00": "no previous procedure",
    "07": "release for free circulation with simultaneous warehousing other than customs warehousing",
    "10": "permanent export", "21": "outward processing", "22": "temporary export", "23": "temporary export",
    "40": "release for free circulation and home use",
    "42": "release for free circulation with VAT exemption (onward supply)",
    "43": "release for free circulation under special measures (agriculture)",
    "44": "end-use", "45": "release for free circulation, VAT or excise only", "46": "import of processed products",
    "48": "entry for free circulation of replacement products under outward processing",
    "51": "inward processing", "53": "temporary admission", "54": "inward processing in another member state",
    "71": "customs warehousing", "76": "customs warehousing (VAT/excise)", "77": "excise warehousing",
    "78": "free zone",
}
# Non-Union goods leave after a special procedure by re-export (31); Union goods are exported (10).
SPECIAL_PROCEDURES = ("51", "53", "54", "71", "78")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _upper(v: str | None) -> str | None:
    return v.upper() if isinstance(v, str) else v


class Party(_Strict):
    """D.E. 3/1–3/2 exporter, 3/9–3/10 consignee, 3/17–3/18 declarant, 3/19–3/20 representative."""

    eori: str | None = Field(default=None, max_length=17, description="identification number (EORI)")
    name: str | None = Field(default=None, max_length=70)
    country: str | None = Field(default=None, min_length=2, max_length=2)

    _c = field_validator("country", "eori")(classmethod(lambda cls, v: _upper(v)))


class Amount(_Strict):
    amount: Decimal = Field(allow_inf_nan=False)
    currency: str = Field(min_length=1, max_length=8)


class Package(_Strict):
    """D.E. 6/9 type of packages (CS/RD2 KindOfPackages), 6/10 number of packages, 6/11 shipping marks."""

    type: str = Field(min_length=1, max_length=2)
    number: int = Field(default=1)
    marks: str | None = Field(default=None, max_length=512)

    _t = field_validator("type")(classmethod(lambda cls, v: _upper(v)))


class Document(_Strict):
    """D.E. 2/3 documents, certificates and authorisations (e.g. X002 dual-use licence, Y901 not listed in
    the CITES annexes), or D.E. 2/1 previous documents (e.g. N830 goods declaration for exportation)."""

    type: str = Field(min_length=4, max_length=4)
    reference: str | None = Field(default=None, max_length=70)

    _t = field_validator("type")(classmethod(lambda cls, v: _upper(v)))


class MeansOfTransport(_Strict):
    """D.E. 7/7 identity of the means of transport at departure, 7/14 of the active means crossing the border,
    7/15 its nationality (type: CS/RD2 TypeOfIdentificationOfMeansOfTransport)."""

    type: str = Field(min_length=2, max_length=2)
    identity: str = Field(min_length=1, max_length=35)
    nationality: str | None = Field(default=None, min_length=2, max_length=2)

    _n = field_validator("nationality")(classmethod(lambda cls, v: _upper(v)))


class Transport(_Strict):
    """D.E. 7/4 mode of transport at the border, 7/5 inland mode, 7/2 container indicator, 7/10 containers."""

    border_mode: str | None = Field(default=None, max_length=1)
    inland_mode: str | None = Field(default=None, max_length=1)
    departure: MeansOfTransport | None = None
    active_at_border: MeansOfTransport | None = None
    containers: list[str] = Field(default_factory=list, max_length=99)


class TransitLink(_Strict):
    """Export followed by transit: the goods released for export are placed under a transit procedure
    (Art. 329 UCC IA); the transit MRN is known when the transit declaration was lodged first, or recorded later."""

    followed_by_transit: bool = True
    transit_mrn: str | None = Field(default=None, max_length=18)


class Item(_Strict):
    """A goods item (D.E. 1/6 goods item number)."""

    item_number: int = Field(ge=1, le=999)
    procedure: str | None = Field(default=None, min_length=4, max_length=4, description="D.E. 1/10, else the declaration's")
    description: str = Field(min_length=1, max_length=512)  # 6/8
    cn_code: str = Field(min_length=1, max_length=10, description="D.E. 6/14 combined nomenclature code (8 digits)")
    net_mass: Decimal | None = Field(default=None, allow_inf_nan=False, description="D.E. 6/1, kg")
    gross_mass: Decimal | None = Field(default=None, allow_inf_nan=False, description="D.E. 6/5, kg")
    supplementary_units: Decimal | None = Field(default=None, allow_inf_nan=False)  # 6/2
    packages: list[Package] = Field(default_factory=list, max_length=99)
    statistical_value: Amount | None = None  # 8/6
    origin: str | None = Field(default=None, min_length=2, max_length=2)  # 5/15 (optional for export)
    un_number: str | None = Field(default=None, max_length=4, description="UN dangerous goods code")
    documents: list[Document] = Field(default_factory=list, max_length=99)  # 2/3

    _o = field_validator("origin")(classmethod(lambda cls, v: _upper(v)))


class Declaration(_Strict):
    """IE515, the export or re-export declaration (also the content of an IE513 amendment: the whole message
    again, same LRN)."""

    lrn: str = Field(min_length=1, max_length=22)  # 2/5 local reference number
    declaration_type: Literal["EX", "CO"] = "EX"  # 1/1: EX export/re-export; CO dispatch to a special fiscal territory
    additional_declaration_type: Literal["A", "D"] = "A"  # 1/2: A on presentation; D pre-lodged (Art. 171 UCC)
    security: Literal[0, 2] = Field(
        default=0, description="0: no safety and security data; 2: the declaration contains the exit summary data (EXS)")
    procedure: str = Field(default="1000", min_length=4, max_length=4)  # 1/10
    exporter: Party  # 3/1–3/2
    declarant: Party  # 3/17–3/18
    representative: Party | None = None  # 3/19–3/20
    representative_status: Literal["2", "3"] | None = None  # 3/21: 2 direct, 3 indirect representation
    consignee: Party | None = None  # 3/9–3/10
    carrier: Party | None = None  # 3/31–3/32 (exit summary data)
    office_of_export: str = Field(min_length=1, max_length=8, description="the customs office of export (AES CustomsOfficeOfExport)")
    office_of_exit: str = Field(min_length=1, max_length=8, description="D.E. 5/12 the customs office of exit (declared)")
    country_of_export: str | None = Field(default=None, min_length=2, max_length=2)  # 5/14
    country_of_destination: str = Field(min_length=2, max_length=2)  # 5/8
    special_fiscal_territory: str | None = Field(default=None, max_length=16,
                                                 description="CO: the special fiscal territory of destination (e.g. ES-CN)")
    location_of_goods: str | None = Field(default=None, max_length=35)  # 5/23
    ucr: str | None = Field(default=None, max_length=35)  # 2/4 reference number/UCR
    transport: Transport = Field(default_factory=Transport)
    previous_documents: list[Document] = Field(default_factory=list, max_length=99)  # 2/1
    documents: list[Document] = Field(default_factory=list, max_length=99)  # 2/3
    transit: TransitLink | None = None
    items: list[Item] = Field(min_length=1, max_length=999)

    _u = field_validator("country_of_export", "country_of_destination", "office_of_export", "office_of_exit",
                         "special_fiscal_territory")(classmethod(lambda cls, v: _upper(v)))

    @property
    def export_country(self) -> str:
        return self.office_of_export[:2]

    @property
    def exit_country(self) -> str:
        return self.office_of_exit[:2]

    def procedure_of(self, item: Item) -> str:
        return item.procedure or self.procedure


class Arrival(_Strict):
    """IE507, arrival at exit: the person presenting the goods (the carrier, the declarant or their agent)
    presents them at the customs office of exit, naming the export MRN."""

    mrn: str = Field(min_length=1, max_length=18)
    office_of_exit: str = Field(min_length=1, max_length=8, description="the actual customs office of exit")
    presented_at: str | None = Field(default=None, description="date and time of presentation (ISO 8601); now if omitted")
    border_mode: str | None = Field(default=None, max_length=1)  # 7/4
    active_at_border: MeansOfTransport | None = None  # 7/14, 7/15
    containers: list[str] = Field(default_factory=list, max_length=99)
    seals: list[str] = Field(default_factory=list, max_length=99)
    stated_discrepancies: str | None = Field(default=None, max_length=512,
                                             description="differences the presenter states between declared and presented goods")

    _u = field_validator("mrn", "office_of_exit")(classmethod(lambda cls, v: _upper(v)))


class ExitNotification(_Strict):
    """IE590, exit notification: the carrier confirms the goods have left the customs territory of the Union."""

    mrn: str = Field(min_length=1, max_length=18)
    office_of_exit: str = Field(min_length=1, max_length=8, description="the customs office of exit the goods left from")
    exited_at: str | None = Field(default=None, description="date and time the goods left (ISO 8601); now if omitted")
    transport_document: str | None = Field(default=None, max_length=70)
    active_at_border: MeansOfTransport | None = None

    _u = field_validator("mrn", "office_of_exit")(classmethod(lambda cls, v: _upper(v)))


class ControlResult(_Strict):
    """The officer's control result (kept in the log; the result labels the risk assessment)."""

    control_type: Literal["documentary", "physical"] | None = None
    result: Literal["no_irregularity", "irregularity", "seizure"]
    findings: str | None = Field(default=None, max_length=4096)
