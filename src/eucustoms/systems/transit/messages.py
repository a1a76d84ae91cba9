"""Reading the CC messages traders send, as parsed by :mod:`.xml` (element names as in the XSD, an element
that may repeat always a list, leaves as text): small accessors that tolerate an empty element (parsed as
``""``), and :class:`Declaration`, the view of a CC015C (or CC013C) the rules and the offices work with.

Pointers name elements the way the NCTS functional errors do: ``/CC015C/Guarantee[1]/GuaranteeReference[2]/GRN``
(positions from 1)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any, Iterator


def node(data: Any, *path: str) -> dict[str, Any]:
    """The element at ``path`` as a dict ({} when absent or empty)."""
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
        if isinstance(data, list):
            data = data[0] if data else None
    return data if isinstance(data, dict) else {}


def nodes(data: Any, *path: str) -> list[dict[str, Any]]:
    """The repeated element at ``path`` as a list of dicts (empty elements as {})."""
    *head, last = path
    value = node(data, *head).get(last) if head else (data.get(last) if isinstance(data, dict) else None)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [i if isinstance(i, dict) else {} for i in items]


def text(data: Any, *path: str) -> str | None:
    """The leaf at ``path``, stripped, or None when absent or empty."""
    *head, last = path
    value = node(data, *head).get(last) if head else (data.get(last) if isinstance(data, dict) else None)
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or isinstance(value, dict):
        return None
    value = str(value).strip()
    return value or None


def decimal(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


@dataclass(frozen=True)
class GuaranteeReference:
    """One GuaranteeReference (or a Guarantee without one) of the declaration."""

    pointer: str
    guarantee_type: str
    grn: str | None
    access_code: str | None
    amount: Decimal | None
    currency: str | None
    other_reference: str | None


@dataclass(frozen=True)
class Item:
    pointer: str
    house: int  # HouseConsignment/sequenceNumber
    number: int | None  # declarationGoodsItemNumber
    data: dict[str, Any]


class Declaration:
    """The particulars of a CC015C (or of the CC013C that amends it: the same structure)."""

    def __init__(self, data: dict[str, Any], message_type: str = "CC015C"):
        self.data = data
        self.root = f"/{message_type}"

    def at(self, *parts: str) -> str:
        return self.root + "".join(f"/{p}" for p in parts)

    # -- transit operation ---------------------------------------------------------------------------------
    @property
    def lrn(self) -> str | None:
        return text(self.data, "TransitOperation", "LRN")

    @property
    def mrn(self) -> str | None:
        return text(self.data, "TransitOperation", "MRN")

    @property
    def declaration_type(self) -> str | None:
        return text(self.data, "TransitOperation", "declarationType")

    @property
    def additional_type(self) -> str | None:
        value = text(self.data, "TransitOperation", "additionalDeclarationType")
        return value.upper() if value else value

    @property
    def security(self) -> str | None:
        return text(self.data, "TransitOperation", "security")

    # -- offices ---------------------------------------------------------------------------------------------
    @property
    def office_of_departure(self) -> str | None:
        return text(self.data, "CustomsOfficeOfDeparture", "referenceNumber")

    @property
    def office_of_destination(self) -> str | None:
        return text(self.data, "CustomsOfficeOfDestinationDeclared", "referenceNumber")

    @property
    def transit_offices(self) -> list[tuple[str, str | None]]:
        """(pointer, reference) of each declared office of transit, in sequence order."""
        out = []
        rows = nodes(self.data, "CustomsOfficeOfTransitDeclared")
        for n, o in sorted(enumerate(rows, 1), key=lambda p: _seq(p[1], p[0])):
            out.append((self.at(f"CustomsOfficeOfTransitDeclared[{n}]", "referenceNumber"), text(o, "referenceNumber")))
        return out

    @property
    def exit_offices(self) -> list[tuple[str, str | None]]:
        rows = nodes(self.data, "CustomsOfficeOfExitForTransitDeclared")
        return [(self.at(f"CustomsOfficeOfExitForTransitDeclared[{n}]", "referenceNumber"), text(o, "referenceNumber"))
                for n, o in enumerate(rows, 1)]

    # -- parties -------------------------------------------------------------------------------------------
    @property
    def holder_id(self) -> str | None:
        value = text(self.data, "HolderOfTheTransitProcedure", "identificationNumber")
        return value.upper() if value else value

    @property
    def representative_id(self) -> str | None:
        value = text(self.data, "Representative", "identificationNumber")
        return value.upper() if value else value

    # -- guarantees ------------------------------------------------------------------------------------------
    @cached_property
    def guarantees(self) -> list[GuaranteeReference]:
        out = []
        for g, guarantee in enumerate(nodes(self.data, "Guarantee"), 1):
            gtype = (text(guarantee, "guaranteeType") or "").upper()
            other = text(guarantee, "otherGuaranteeReference")
            refs = nodes(guarantee, "GuaranteeReference")
            if not refs:
                out.append(GuaranteeReference(self.at(f"Guarantee[{g}]"), gtype, None, None, None, None, other))
            for r, ref in enumerate(refs, 1):
                grn = text(ref, "GRN")
                currency = text(ref, "currency")
                out.append(GuaranteeReference(
                    self.at(f"Guarantee[{g}]", f"GuaranteeReference[{r}]"), gtype, grn.upper() if grn else None,
                    text(ref, "accessCode"), decimal(text(ref, "amountToBeCovered")),
                    currency.upper() if currency else None, other))
        return out

    # -- consignment -----------------------------------------------------------------------------------------
    @property
    def consignment(self) -> dict[str, Any]:
        return node(self.data, "Consignment")

    def items(self) -> Iterator[Item]:
        for h, house in enumerate(nodes(self.data, "Consignment", "HouseConsignment"), 1):
            seq = _seq(house, h)
            for i, item in enumerate(nodes(house, "ConsignmentItem"), 1):
                number = text(item, "declarationGoodsItemNumber")
                yield Item(self.at("Consignment", f"HouseConsignment[{h}]", f"ConsignmentItem[{i}]"), seq,
                           int(number) if number and number.isdigit() else None, item)


def _seq(data: dict[str, Any], default: int) -> int:
    value = text(data, "sequenceNumber")
    return int(value) if value and value.isdigit() else default
