"""Linking partial ENS filings ("multiple filing", Art. 127(6) UCC, Art. 112-113 DA).

A partial filing never stands alone: the carrier's master-level part and the house-level parts lodged by
house filers (and the consignee's buyer/seller part) complete each other. ICS2 links them by the **master
transport document number + the carrier's EORI + the EORI of the person lodging the lower-level part**.

Each filing *provides* keys (the parts it lodges) and *expects* keys (the parts others must lodge):

* a master-level part by the carrier (F12, F21, F24, F31, F41, F42, F45) provides
  ``(master document, carrier, None)`` and expects ``(master document, carrier, filer)`` for every
  supplementary declarant it names (the house filers who will file; for postal master filings without
  supplementary declarants, the master-level consignee, i.e. the postal operator of destination);
* a straight bill of lading lodged by the carrier without buyer and seller (F13) provides the master key and
  expects the consignee named as supplementary declarant at house level;
* a house-level part (F14, F15, F22, F23, F32, F33, F43) provides ``(quoted master document, quoted carrier,
  declarant)`` for each house consignment, and expects the carrier's master key plus a key for every
  supplementary declarant named at house level (a sub-house filer, or the consignee who lodges F17);
* a consignee's part (F16, F17) and a pre-loading 7+1 part (F25, F27, F44) provide
  ``(master document, carrier, declarant)`` and expect the master key;
* a complete filing provides the master key and expects nothing.

The ENS is complete when every expected key is provided by some filing (:func:`unmet`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .filing import Filing
from .filing_types import Filer, Level, filing_type


def normalise_reference(reference: str) -> str:
    """Transport document numbers are compared upper-case and without whitespace."""
    return "".join(reference.split()).upper()


@dataclass(frozen=True, order=True)
class LinkingKey:
    """``filer`` is None for the carrier's master-level part, else the EORI of the lower-level filer."""

    transport_document: str
    carrier: str
    filer: str | None = None

    def __str__(self) -> str:
        return f"{self.transport_document}/{self.carrier}/{self.filer or '-'}"


@dataclass(frozen=True)
class Links:
    provides: frozenset[LinkingKey] = field(default_factory=frozenset)
    expects: frozenset[LinkingKey] = field(default_factory=frozenset)


def _eori(party) -> str | None:
    return party.identification_number if party is not None and party.identification_number else None


def linking_key(filing: Filing) -> Links:
    """The keys ``filing`` provides and expects (see the module documentation)."""
    kind = filing_type(filing.message_type)
    if kind is None:
        return Links()
    provides: set[LinkingKey] = set()
    expects: set[LinkingKey] = set()
    consignment = filing.consignment
    declarant = _eori(filing.declarant)

    master_doc = consignment.transport_document
    carrier = _eori(consignment.carrier) or (declarant if kind.filer is Filer.CARRIER else None)
    if kind.level is not Level.HOUSE and master_doc is not None and carrier:
        master = LinkingKey(normalise_reference(master_doc.reference_number), carrier)
        provides.add(master)
        if kind.partial:
            filers = [s.identification_number for s in consignment.supplementary_declarants]
            filers += [s.identification_number for h in consignment.house_consignments
                       for s in h.supplementary_declarants]
            if not filers and kind.code in ("F41", "F42", "F45") and _eori(consignment.consignee):
                filers.append(_eori(consignment.consignee))
            expects.update(LinkingKey(master.transport_document, carrier, f) for f in filers)
        return Links(frozenset(provides), frozenset(expects))

    # house-level parts: each house consignment quotes the master document and the carrier
    for house in consignment.house_consignments:
        quoted, house_carrier = house.master_transport_document, _eori(house.carrier)
        if quoted is None or not house_carrier or not declarant:
            continue
        doc = normalise_reference(quoted.reference_number)
        provides.add(LinkingKey(doc, house_carrier, declarant))
        expects.add(LinkingKey(doc, house_carrier))
        expects.update(LinkingKey(doc, house_carrier, s.identification_number) for s in house.supplementary_declarants)
    return Links(frozenset(provides), frozenset(expects))


def unmet(filings: Iterable[Filing]) -> frozenset[LinkingKey]:
    """The keys some of ``filings`` expect and none of them provides: the parts still missing."""
    links = [linking_key(f) for f in filings]
    provided = frozenset().union(*(link.provides for link in links)) if links else frozenset()
    expected = frozenset().union(*(link.expects for link in links)) if links else frozenset()
    return frozenset(expected - provided)
