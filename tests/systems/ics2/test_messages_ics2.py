"""ENS filings validated against the packaged reference data: every family's example passes; missing
particulars, wrong codes, malformed identifiers, unknown fields and broken cross-field rules are each
reported, all of them in one answer, with JSON pointers."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path

import pytest

from eucustoms.core.errors import ErrorCode
from eucustoms.platform.db import Database, metadata
from eucustoms.refdata import RefData, load_reference_data
from eucustoms.refdata import store
from eucustoms.refdata.loader import DATA_DIR
from eucustoms.systems.ics2.messages import examples, linking_key, unmet, validate_filing
from eucustoms.systems.ics2.messages.linking import LinkingKey

AS_OF = date(2025, 3, 1)
# The validator needs neither exchange rates nor the UK tariff: loading only the rest halves the time.
NOT_NEEDED = {"rates", "uk_cds"}


@pytest.fixture(scope="module")
def ref(tmp_path_factory) -> RefData:
    folder = tmp_path_factory.mktemp("ics2-refdata")
    manifest = json.loads((DATA_DIR / "manifest.json").read_text(encoding="utf-8"))
    manifest["datasets"] = [d for d in manifest["datasets"] if d["name"] not in NOT_NEEDED]
    for d in manifest["datasets"]:
        os.symlink(DATA_DIR / d["file"], folder / d["file"])
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    db = Database(f"sqlite:///{Path(folder) / 'refdata.db'}")
    metadata.create_all(db.engine, tables=list(store.TABLES.values()))
    load_reference_data(db, data_dir=folder)
    yield RefData.from_db(db)
    db.dispose()


def check(message_type: str, payload: dict, ref: RefData):
    return validate_filing(message_type, payload, ref, as_of=AS_OF)


def by_pointer(issues) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for issue in issues:
        found.setdefault(issue.pointer, []).append(issue.code)
    return found


H0 = "/consignment/house_consignments/0"
H1 = "/consignment/house_consignments/1"


# --------------------------------------------------------------------------------------------- valid examples


@pytest.mark.parametrize("message_type", sorted(examples.BUILDERS))
def test_every_example_passes(ref, message_type):
    filing, issues = check(message_type, examples.example(message_type), ref)
    assert issues == []
    assert filing is not None and filing.message_type == message_type


def test_families_are_all_covered_by_examples():
    families = {mt[:5] for mt in examples.BUILDERS}
    assert families == {"IE3F1", "IE3F2", "IE3F3", "IE3F4", "IE3F5"}
    assert {"IE3F50", "IE3F51", "IE3F25", "IE3F26"} <= set(examples.BUILDERS)


def test_sea_f12_and_f15_complete_each_other(ref):
    master, issues_m = check("IE3F12", examples.sea_f12(), ref)
    house, issues_h = check("IE3F15", examples.sea_f15(), ref)
    assert issues_m == issues_h == []
    key_m, key_h = linking_key(master), linking_key(house)
    carrier, filer = examples.OCEAN_CARRIER["identification_number"], examples.HOUSE_FILER["identification_number"]
    assert key_m.expects == {LinkingKey(examples.SEA_MASTER_BL, carrier, filer)}
    assert key_m.expects <= key_h.provides and key_h.expects <= key_m.provides
    assert unmet([master, house]) == frozenset()
    assert unmet([master]) == {LinkingKey(examples.SEA_MASTER_BL, carrier, filer)}
    assert unmet([house]) == {LinkingKey(examples.SEA_MASTER_BL, carrier)}


def test_air_master_and_house_awb_complete_each_other(ref):
    master, _ = check("IE3F21", examples.air_f21(), ref)
    house, _ = check("IE3F22", examples.air_f22(), ref)
    placi, _ = check("IE3F25", examples.air_f25(), ref)
    assert master and house and placi
    assert unmet([master, house]) == frozenset()
    assert linking_key(placi).provides == linking_key(house).provides


def test_commodity_code_not_required_between_natural_persons(ref):
    payload = examples.express_f34()
    house = payload["consignment"]["house_consignments"][0]
    house["consignor"]["type_of_person"] = "1"
    del house["goods_items"][0]["hs_code"]
    filing, issues = check("IE3F34", payload, ref)
    assert issues == [] and filing is not None
    house["consignor"]["type_of_person"] = "2"
    _, issues = check("IE3F34", payload, ref)
    assert by_pointer(issues) == {f"{H0}/goods_items/0/hs_code": [ErrorCode.MISSING]}


def test_office_in_northern_ireland_is_in_the_ics2_area(ref):
    payload = examples.sea_f11()
    payload["consignment"]["customs_office_of_first_entry"] = "XI005160"  # Warrenpoint
    payload["consignment"]["place_of_unloading"] = {"unlocode": "GBWPT"}
    payload["consignment"]["countries_of_routing_of_means"] = ["CN", "SG", "GB"]
    _, issues = check("IE3F11", payload, ref)
    assert [i for i in issues if "ICS2 area" in i.reason] == []


# --------------------------------------------------------------------------------------------- missing particulars


def test_every_missing_particular_is_reported_with_its_pointer(ref):
    payload = examples.sea_f11()
    c = payload["consignment"]
    del c["place_of_loading"]
    del c["customs_office_of_first_entry"]
    del c["active_means"]["conveyance_reference_number"]
    del c["house_consignments"][0]["consignor"]
    del c["house_consignments"][0]["buyer"]
    del c["house_consignments"][1]["transport_document"]
    del c["house_consignments"][1]["goods_items"][1]["hs_code"]
    del c["house_consignments"][1]["goods_items"][0]["packaging"][0]["number_of_packages"]
    filing, issues = check("IE3F11", payload, ref)
    assert filing is None
    assert by_pointer(issues) == {
        "/consignment/place_of_loading": ["13"],
        "/consignment/customs_office_of_first_entry": ["13"],
        "/consignment/active_means/conveyance_reference_number": ["13"],
        f"{H0}/consignor": ["13"],
        f"{H0}/buyer": ["13"],
        f"{H1}/transport_document": ["13"],
        f"{H1}/goods_items/1/hs_code": ["13"],
        f"{H1}/goods_items/0/packaging/0/number_of_packages": ["13"],
    }
    reasons = {i.pointer: i.reason for i in issues}
    assert "Place of loading" in reasons["/consignment/place_of_loading"]
    assert "Harmonized System sub-heading code" in reasons[f"{H1}/goods_items/1/hs_code"]
    assert "F11" in reasons[f"{H0}/buyer"] and "Buyer" in reasons[f"{H0}/buyer"]


def test_partial_house_filing_must_quote_master_document_and_carrier(ref):
    payload = examples.sea_f15()
    house = payload["consignment"]["house_consignments"][0]
    del house["master_transport_document"]
    del house["carrier"]
    del payload["addressed_member_state"]
    _, issues = check("IE3F15", payload, ref)
    assert by_pointer(issues) == {
        f"{H0}/master_transport_document": ["13"],
        f"{H0}/carrier": ["13"],
        "/addressed_member_state": ["13"],
    }


def test_bulk_goods_need_no_number_of_packages_but_may_not_carry_one(ref):
    payload = examples.road_f50()
    packaging = payload["consignment"]["house_consignments"][0]["goods_items"][0]["packaging"][0]
    assert check("IE3F50", payload, ref)[1] == []
    packaging["number_of_packages"] = 480
    _, issues = check("IE3F50", payload, ref)
    assert by_pointer(issues) == {f"{H0}/goods_items/0/packaging/0/number_of_packages": ["15"]}


# --------------------------------------------------------------------------------------------- not allowed


def test_master_only_filing_may_not_carry_house_consignments(ref):
    payload = examples.sea_f12()
    payload["consignment"]["house_consignments"] = examples.sea_f11()["consignment"]["house_consignments"]
    _, issues = check("IE3F12", payload, ref)
    assert by_pointer(issues) == {"/consignment/house_consignments": ["15"]}


def test_house_filing_may_not_carry_the_carriers_journey(ref):
    payload = examples.sea_f15()
    payload["consignment"]["place_of_loading"] = {"unlocode": "CNSHA"}
    payload["consignment"]["expected_arrival"] = "2025-04-06T06:00:00Z"
    _, issues = check("IE3F15", payload, ref)
    assert by_pointer(issues) == {"/consignment/place_of_loading": ["15"], "/consignment/expected_arrival": ["15"]}


def test_unknown_fields_are_rejected_with_code_15(ref):
    payload = examples.sea_f11()
    payload["priority"] = "high"
    payload["consignment"]["house_consignments"][0]["goods_items"][1]["colour"] = "oak"
    filing, issues = check("IE3F11", payload, ref)
    assert filing is None
    assert by_pointer(issues) == {"/priority": ["15"], f"{H0}/goods_items/1/colour": ["15"]}


def test_straight_bill_carries_one_consignment_without_house_bill(ref):
    payload = examples.sea_f10()
    houses = payload["consignment"]["house_consignments"]
    houses.append(json.loads(json.dumps(houses[0])))
    houses[1]["transport_document"] = {"type": "N714", "reference_number": "HB1"}
    _, issues = check("IE3F10", payload, ref)
    assert by_pointer(issues) == {"/consignment/house_consignments": ["14"], f"{H1}/transport_document": ["15"],
                                  "/consignment/gross_mass": ["14"]}


# --------------------------------------------------------------------------------------------- codes and identifiers


def test_wrong_codes_are_each_reported(ref):
    payload = examples.sea_f11()
    c = payload["consignment"]
    c["house_consignments"][0]["goods_items"][0]["packaging"][0]["type_of_packages"] = "XQ"
    c["customs_office_of_first_entry"] = "NL000074"  # exists, but is no office of entry
    c["house_consignments"][1]["goods_items"][0]["hs_code"] = "010199"  # not in the HS
    del c["house_consignments"][1]["goods_items"][0]["cn_code"]
    payload["declarant"]["identification_number"] = "DKX-1"
    c["transport_document"]["type"] = "N999"
    c["house_consignments"][0]["consignee"]["address"]["country"] = "XX"
    c["place_of_unloading"]["unlocode"] = "NLZZZ"
    filing, issues = check("IE3F11", payload, ref)
    assert filing is None
    assert by_pointer(issues) == {
        f"{H0}/goods_items/0/packaging/0/type_of_packages": ["12"],
        "/consignment/customs_office_of_first_entry": ["12"],
        f"{H1}/goods_items/0/hs_code": ["12"],
        "/declarant/identification_number": ["12"],
        "/consignment/transport_document/type": ["12"],
        f"{H0}/consignee/address/country": ["12"],
        "/consignment/place_of_unloading/unlocode": ["12"],
    }
    reasons = {i.pointer: i.reason for i in issues}
    assert "ENT" in reasons["/consignment/customs_office_of_first_entry"]
    assert "EORI" in reasons["/declarant/identification_number"]


def test_hs_code_is_checked_on_the_date_of_the_filing(ref):
    payload = examples.air_f26()
    # 851713 (smartphones) exists only since HS 2022
    _, issues = validate_filing("IE3F26", payload, ref, as_of=date(2021, 6, 1))
    assert by_pointer(issues).get(f"{H0}/goods_items/1/hs_code") == ["12"]


def test_unknown_office_and_office_outside_the_ics2_area(ref):
    payload = examples.sea_f11()
    payload["consignment"]["customs_office_of_first_entry"] = "NL999999"
    _, issues = check("IE3F11", payload, ref)
    assert by_pointer(issues) == {"/consignment/customs_office_of_first_entry": ["12"]}
    payload["consignment"]["customs_office_of_first_entry"] = "GB000001"
    _, issues = check("IE3F11", payload, ref)
    assert sorted(by_pointer(issues)["/consignment/customs_office_of_first_entry"]) == ["12", "14"]


def test_carrier_and_supplementary_declarant_need_an_eori_but_a_shipper_abroad_does_not(ref):
    payload = examples.sea_f12()
    payload["consignment"]["carrier"]["identification_number"] = "US987654321"
    payload["consignment"]["supplementary_declarants"][0]["identification_number"] = "EL123456789"
    _, issues = check("IE3F12", payload, ref)
    assert by_pointer(issues) == {"/consignment/carrier/identification_number": ["12"],
                                  "/consignment/supplementary_declarants/0/identification_number": ["12"]}
    ok = examples.sea_f11()
    ok["consignment"]["house_consignments"][0]["consignor"]["identification_number"] = "US987654321"
    assert check("IE3F11", ok, ref)[1] == []
    ok["consignment"]["house_consignments"][0]["consignee"]["identification_number"] = "NL!!"
    assert by_pointer(check("IE3F11", ok, ref)[1]) == {f"{H0}/consignee/identification_number": ["12"]}


def test_unknown_message_type_is_one_code_list_issue(ref):
    filing, issues = check("IE3F99", examples.sea_f11(), ref)
    assert filing is None
    assert [(i.code, i.pointer) for i in issues] == [("12", "/message_type")]


def test_message_type_and_indicator_must_match_the_message(ref):
    payload = examples.sea_f11()
    payload["message_type"] = "IE3F10"
    payload["specific_circumstance_indicator"] = "F12"
    _, issues = check("IE3F11", payload, ref)
    assert by_pointer(issues) == {"/message_type": ["14"], "/specific_circumstance_indicator": ["14"]}


# --------------------------------------------------------------------------------------------- structure


def test_structure_errors_carry_pointers_and_stop_the_later_checks(ref):
    payload = examples.sea_f11()
    del payload["lrn"]
    payload["consignment"]["loading_datetime"] = "2025-03-03T08:00:00"  # no time zone
    payload["consignment"]["house_consignments"][0]["goods_items"][1]["hs_code"] = "94016"
    payload["consignment"]["customs_office_of_first_entry"] = "NL999999"  # would be a code 12 later
    filing, issues = check("IE3F11", payload, ref)
    assert filing is None
    assert by_pointer(issues) == {
        "/lrn": ["13"],
        "/consignment/loading_datetime": ["14"],
        f"{H0}/goods_items/1/hs_code": ["14"],
    }


def test_a_payload_that_is_not_an_object_is_rejected(ref):
    filing, issues = check("IE3F11", ["not", "a", "filing"], ref)
    assert filing is None and [i.code for i in issues] == ["14"]


# --------------------------------------------------------------------------------------------- cross-field rules


def test_cross_field_rules(ref):
    payload = examples.sea_f11()
    c = payload["consignment"]
    c["gross_mass"] = "4000"  # houses weigh 4825
    c["house_consignments"][1]["goods_items"][1]["goods_item_number"] = 3
    c["expected_arrival"] = "2025-03-01T00:00:00+01:00"  # before loading
    c["house_consignments"][0]["gross_mass"] = "2000"  # items weigh 2412.5
    c["active_means"]["identification_number"] = "IMO9074728"  # wrong check digit
    good = examples.container("NOLU451002")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    c["house_consignments"][0]["transport_equipment"][0]["container_identification_number"] = bad
    c["house_consignments"][1]["transport_document"]["reference_number"] = examples.SEA_HOUSE_BLS[0]
    filing, issues = check("IE3F11", payload, ref)
    assert filing is None
    assert by_pointer(issues) == {
        "/consignment/gross_mass": ["14"],
        f"{H1}/goods_items": ["14"],
        "/consignment/expected_arrival": ["14"],
        f"{H0}/gross_mass": ["14"],
        "/consignment/active_means/identification_number": ["14"],
        f"{H0}/transport_equipment/0/container_identification_number": ["14"],
        f"{H1}/transport_document/reference_number": ["14"],
    }


def test_mode_of_transport_must_fit_the_filing_type(ref):
    payload = examples.road_f50()
    payload["consignment"]["active_means"]["mode"] = "1"
    _, issues = check("IE3F50", payload, ref)
    assert by_pointer(issues)["/consignment/active_means/mode"] == ["14"]
    payload["consignment"]["active_means"]["mode"] = "6"  # not in CL218
    _, issues = check("IE3F50", payload, ref)
    assert by_pointer(issues)["/consignment/active_means/mode"] == ["12"]


def test_routing_must_start_at_loading_and_enter_at_the_office(ref):
    payload = examples.sea_f11()
    payload["consignment"]["countries_of_routing_of_means"] = ["SG", "BE", "NL"]
    _, issues = check("IE3F11", payload, ref)
    assert by_pointer(issues) == {"/consignment/countries_of_routing_of_means/0": ["14"],
                                  "/consignment/customs_office_of_first_entry": ["14"]}


def test_validation_accepts_a_datetime_as_of(ref):
    filing, issues = validate_filing("IE3F50", examples.road_f50(), ref, as_of=datetime(2025, 3, 1, 12, 0))
    assert issues == [] and filing is not None
