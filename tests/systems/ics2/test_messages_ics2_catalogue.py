"""The filing-type catalogue is complete and consistent with the message model, and partial filings link by
master transport document + carrier + house filer. No reference data needed."""

from __future__ import annotations

import typing

import pytest
from pydantic import BaseModel

from eucustoms.systems.ics2.messages import (
    FILING_TYPES,
    Family,
    Filer,
    Filing,
    Level,
    examples,
    filing_type,
    linking_key,
    unmet,
)
from eucustoms.systems.ics2.messages.filing_types import Particular
from eucustoms.systems.ics2.messages.linking import LinkingKey

CARRIER = examples.OCEAN_CARRIER["identification_number"]
HOUSE_FILER = examples.HOUSE_FILER["identification_number"]
CONSIGNEE = examples.IMPORTER["identification_number"]


def parse(payload: dict) -> Filing:
    return Filing.model_validate(payload)


# --------------------------------------------------------------------------------------------- catalogue


def test_catalogue_has_every_filing_type_of_each_family():
    expected = ([f"F1{i}" for i in range(8)] + [f"F2{i}" for i in range(10)] + [f"F3{i}" for i in range(5)]
                + [f"F4{i}" for i in range(6)] + ["F50", "F51"])
    assert sorted(FILING_TYPES) == sorted(expected)
    families = {code: t.family for code, t in FILING_TYPES.items()}
    assert {families[c] for c in ("F10", "F17")} == {Family.SEA}
    assert families["F26"] is Family.AIR and families["F34"] is Family.EXPRESS
    assert families["F45"] is Family.POSTAL and families["F50"] is Family.ROAD and families["F51"] is Family.RAIL


def test_known_filing_types_have_the_established_roles():
    t = FILING_TYPES
    assert (t["F10"].filer, t["F10"].partial, t["F10"].max_house_consignments) == (Filer.CARRIER, False, 1)
    assert (t["F12"].filer, t["F12"].level, t["F12"].partial) == (Filer.CARRIER, Level.MASTER, True)
    assert (t["F14"].filer, t["F15"].filer) == (Filer.HOUSE_FILER, Filer.HOUSE_FILER)
    assert (t["F16"].filer, t["F17"].filer) == (Filer.CONSIGNEE, Filer.CONSIGNEE)
    assert t["F45"].modes.isdisjoint({"4"}) and t["F42"].modes == {"4"}
    assert all(t[c].pre_loading for c in ("F23", "F25", "F26", "F29", "F44"))
    assert not any(t[c].pre_loading for c in ("F10", "F11", "F20", "F22", "F50", "F51"))


def test_partial_filings_are_completed_by_existing_types():
    for code, kind in FILING_TYPES.items():
        assert kind.partial == bool(kind.completed_by), code
        assert all(other in FILING_TYPES for other in kind.completed_by), code
        assert kind.source, code


def _model_of(annotation):
    """The pydantic model inside ``X``, ``X | None`` or ``list[X]`` (None for scalars)."""
    args = typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in args:
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _resolves(path: str) -> bool:
    cls = Filing
    for segment in path.split("."):
        name = segment.removesuffix("[]")
        if cls is None or name not in cls.model_fields:
            return False
        annotation = cls.model_fields[name].annotation
        if segment.endswith("[]") and typing.get_origin(annotation) is not list:
            return False
        cls = _model_of(annotation)
    return True


@pytest.mark.parametrize("code", sorted(FILING_TYPES))
def test_every_particular_of_the_catalogue_exists_in_the_message(code):
    kind = FILING_TYPES[code]
    paths = [p for r in kind.requires for p in ((r.path,) if isinstance(r, Particular) else r.paths)]
    paths += [f.path for f in kind.forbids]
    assert paths and [p for p in paths if not _resolves(p)] == []
    required = {r.path for r in kind.requires if isinstance(r, Particular)}
    assert required.isdisjoint(f.path for f in kind.forbids)


def test_filing_type_lookup():
    assert filing_type("ie3f11") is FILING_TYPES["F11"] is filing_type("F11")
    assert filing_type("IE3F99") is None and filing_type("F18") is None
    assert FILING_TYPES["F26"].to_dict()["message_type"] == "IE3F26"


# --------------------------------------------------------------------------------------------- linking


def test_complete_filing_provides_its_master_key_and_expects_nothing():
    links = linking_key(parse(examples.sea_f11()))
    assert links.provides == {LinkingKey(examples.SEA_MASTER_BL, CARRIER)}
    assert links.expects == frozenset()


def test_carrier_master_and_house_filer_parts_match():
    master, house = parse(examples.sea_f12()), parse(examples.sea_f15())
    assert linking_key(master).provides == {LinkingKey(examples.SEA_MASTER_BL, CARRIER)}
    assert linking_key(master).expects == {LinkingKey(examples.SEA_MASTER_BL, CARRIER, HOUSE_FILER)}
    assert linking_key(house).provides == {LinkingKey(examples.SEA_MASTER_BL, CARRIER, HOUSE_FILER)}
    assert unmet([master, house]) == frozenset()


def test_quoted_references_are_compared_without_case_and_spaces():
    payload = examples.sea_f15()
    for house in payload["consignment"]["house_consignments"]:
        house["master_transport_document"]["reference_number"] = "nolu sha 250301234"
    assert unmet([parse(examples.sea_f12()), parse(payload)]) == frozenset()


def test_house_filer_of_another_carrier_does_not_complete_the_master():
    payload = examples.sea_f15()
    for house in payload["consignment"]["house_consignments"]:
        house["carrier"]["identification_number"] = "DK99999999"
    missing = unmet([parse(examples.sea_f12()), parse(payload)])
    assert LinkingKey(examples.SEA_MASTER_BL, CARRIER, HOUSE_FILER) in missing
    assert LinkingKey(examples.SEA_MASTER_BL, "DK99999999") in missing


def _straight_without_buyer_seller() -> dict:
    payload = examples.sea_f10()
    payload["message_type"] = "IE3F13"
    payload["specific_circumstance_indicator"] = "F13"
    house = payload["consignment"]["house_consignments"][0]
    del house["buyer"], house["seller"]
    house["supplementary_declarants"] = [{"identification_number": CONSIGNEE, "supplementary_filing_type": "1"}]
    return payload


def _consignee_part(message_type: str, master_doc: str) -> dict:
    return {
        "message_type": message_type, "lrn": "HMH-BS-0001", "document_issue_date": "2025-03-01T09:00:00Z",
        "declarant": examples.IMPORTER, "addressed_member_state": "NL",
        "consignment": {"house_consignments": [{
            "master_transport_document": {"type": "N705", "reference_number": master_doc},
            "carrier": {"identification_number": CARRIER},
            "buyer": examples.IMPORTER, "seller": examples.SHIPPER}]},
    }


def test_straight_bill_without_buyer_and_seller_waits_for_its_consignee():
    carrier_part = parse(_straight_without_buyer_seller())
    doc = carrier_part.consignment.transport_document.reference_number
    assert unmet([carrier_part]) == {LinkingKey(doc, CARRIER, CONSIGNEE)}
    consignee_part = parse(_consignee_part("IE3F16", doc))
    assert unmet([carrier_part, consignee_part]) == frozenset()


def test_house_filer_without_buyer_seller_and_consignee_of_the_lowest_house_bill():
    f12 = parse(examples.sea_f12())
    f14_payload = examples.sea_f15()
    f14_payload["message_type"] = "IE3F14"
    for house in f14_payload["consignment"]["house_consignments"]:
        del house["buyer"], house["seller"]
        house["supplementary_declarants"] = [{"identification_number": CONSIGNEE, "supplementary_filing_type": "1"}]
    f14 = parse(f14_payload)
    f17 = parse(_consignee_part("IE3F17", examples.SEA_MASTER_BL))
    assert unmet([f12, f14]) == {LinkingKey(examples.SEA_MASTER_BL, CARRIER, CONSIGNEE)}
    assert unmet([f12, f14, f17]) == frozenset()
