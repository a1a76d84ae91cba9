"""The envelope of an ENS filing (IE3F10 … IE3F51): the message header the person filing lodges."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from .common import Element, Party, Representative, Upper
from .consignment import Consignment


class Filing(Element):
    """One ENS filing, complete or partial.

    ``message_type`` is the HTI message (``IE3F11``); ``specific_circumstance_indicator`` (CL742) repeats the
    filing type (``F11``) and must agree with it when given. ``lrn`` is the functional reference number the
    declarant chose (an..22, unique per declarant, R3003) and ``document_issue_date`` the time it was issued.
    The ``declarant`` is the person filing: the carrier, a house filer, a postal or express operator or the
    consignee, by its EORI number. ``addressed_member_state`` replaces the customs office of first entry in
    filings that do not know it (house-level filings, R3034).
    """

    message_type: Upper = Field(pattern=r"^IE3F[0-9]{2}$")
    lrn: str = Field(min_length=1, max_length=22, pattern=r"^[0-9A-Za-z\-_./ ]+$")
    document_issue_date: AwareDatetime
    specific_circumstance_indicator: Upper | None = Field(default=None, pattern=r"^[A-Za-z][0-9]{2}$")
    declarant: Party
    representative: Representative | None = None
    addressed_member_state: Upper | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")
    consignment: Consignment

    @property
    def filing_type(self) -> str:
        """The filing type code, ``F11`` for ``IE3F11``."""
        return self.message_type[3:]

    @property
    def house_consignments(self):
        return self.consignment.house_consignments
