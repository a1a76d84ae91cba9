"""Lodging time-limits of Art. 105-109 UCC DA at their boundaries: exactly on time, one minute late."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from eucustoms.systems.ics2.deadlines import LateFilings, is_late, lodging_deadline
from eucustoms.systems.ics2.messages import Filing, examples

UTC = timezone.utc
LOADING = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def parse(payload: dict) -> Filing:
    return Filing.model_validate(payload)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def assert_boundary(filing: Filing, expected: datetime, rule: str, *, linked: Filing | None = None) -> None:
    deadline, rule_id, description = lodging_deadline(filing, linked=linked)
    assert (deadline, rule_id) == (expected, rule)
    assert description
    assert not is_late(filing, expected, linked=linked)
    assert not is_late(filing, expected - MINUTE, linked=linked)
    assert is_late(filing, expected + MINUTE, linked=linked)


def with_journey(payload: dict, **changes) -> dict:
    payload["consignment"].update(changes)
    return payload


# --------------------------------------------------------------------------------------------- sea


def test_containerised_sea_cargo_24_hours_before_loading():
    assert_boundary(parse(examples.sea_f11(LOADING)), LOADING - 24 * HOUR, "DA-105(a)")


def test_bulk_sea_cargo_4_hours_before_arrival():
    payload = examples.sea_f10(LOADING)
    c = payload["consignment"]
    c["container_indicator"] = False
    house = c["house_consignments"][0]
    house["container_indicator"] = False
    house["transport_equipment"] = []
    arrival = at(c["expected_arrival"])
    assert_boundary(parse(payload), arrival - 4 * HOUR, "DA-105(b)")


@pytest.mark.parametrize("port", ["GBFXT", "NOOSL", "MAPTM", "TRMER", "RULED"])
def test_short_sea_shipping_2_hours_before_arrival(port):
    payload = with_journey(examples.sea_f11(LOADING), place_of_loading={"unlocode": port},
                           expected_arrival="2025-03-05T06:00:00Z")
    assert_boundary(parse(payload), at("2025-03-05T04:00:00Z"), "DA-105(c)")


def test_russian_pacific_port_is_not_short_sea():
    payload = with_journey(examples.sea_f11(LOADING), place_of_loading={"unlocode": "RUVVO"})
    assert lodging_deadline(parse(payload))[1] == "DA-105(a)"


@pytest.mark.parametrize("hours, rule", [(20, "DA-105(d)"), (24, "DA-105(a)")])
def test_voyages_under_24_hours_to_the_canary_islands(hours, rule):
    departure = LOADING + 2 * HOUR
    arrival = departure + hours * HOUR
    payload = with_journey(examples.sea_f11(LOADING), place_of_loading={"unlocode": "SNDKR"},
                           place_of_unloading={"unlocode": "ESLPA"}, departure_datetime=departure.isoformat(),
                           expected_arrival=arrival.isoformat())
    expected = arrival - 2 * HOUR if rule == "DA-105(d)" else LOADING - 24 * HOUR
    assert_boundary(parse(payload), expected, rule)


def test_inland_waterways_2_hours_before_arrival():
    payload = examples.sea_f10(LOADING)
    payload["consignment"]["active_means"] = {"mode": "8", "type_of_identification": "80",
                                              "identification_number": "02334455", "nationality": "NL"}
    arrival = at(payload["consignment"]["expected_arrival"])
    assert_boundary(parse(payload), arrival - 2 * HOUR, "DA-105-IWW")


def test_house_filing_takes_the_time_limit_of_the_carriers_filing():
    house, master = parse(examples.sea_f15(LOADING)), parse(examples.sea_f12(LOADING))
    assert_boundary(house, LOADING - 24 * HOUR, "DA-105(a)", linked=master)
    deadline, _, why = lodging_deadline(house)
    assert deadline is None and "linked" in why
    assert not is_late(house, LOADING + 1000 * HOUR)


# --------------------------------------------------------------------------------------------- air


def test_air_pre_loading_dataset_before_loading():
    assert_boundary(parse(examples.air_f26(LOADING)), LOADING, "DA-106(1)")
    assert_boundary(parse(examples.air_f25(LOADING)), LOADING, "DA-106(1)", linked=parse(examples.air_f21(LOADING)))


def test_long_flight_4_hours_before_arrival():
    filing = parse(examples.air_f21(LOADING))
    arrival = filing.consignment.expected_arrival
    assert arrival - filing.consignment.departure_datetime >= 4 * HOUR
    assert_boundary(filing, arrival - 4 * HOUR, "DA-106(2)(b)")


@pytest.mark.parametrize("flight, rule", [(timedelta(hours=3, minutes=59), "DA-106(2)(a)"),
                                          (timedelta(hours=4), "DA-106(2)(b)")])
def test_short_flight_by_the_actual_departure(flight, rule):
    departure = LOADING + 2 * HOUR
    payload = with_journey(examples.air_f21(LOADING), departure_datetime=departure.isoformat(),
                           expected_arrival=(departure + flight).isoformat())
    expected = departure if rule == "DA-106(2)(a)" else departure + flight - 4 * HOUR
    assert_boundary(parse(payload), expected, rule)


def test_express_and_postal_follow_their_carrying_mode():
    express = parse(examples.express_f34(LOADING))
    assert_boundary(express, express.consignment.expected_arrival - 4 * HOUR, "DA-106(2)(b)")
    postal = parse(examples.postal_f40(LOADING))
    assert_boundary(postal, postal.consignment.expected_arrival - 4 * HOUR, "DA-106(2)(b)")
    by_road = examples.postal_f40(LOADING)
    by_road["consignment"]["active_means"] = {"mode": "3", "identification_number": "D 12345"}
    postal_road = parse(by_road)
    assert_boundary(postal_road, postal_road.consignment.expected_arrival - HOUR, "DA-108")


# --------------------------------------------------------------------------------------------- rail and road


@pytest.mark.parametrize("journey, rule, before", [(timedelta(hours=1, minutes=59), "DA-107(a)", HOUR),
                                                    (timedelta(hours=2), "DA-107(b)", 2 * HOUR)])
def test_rail_1_or_2_hours_before_arrival(journey, rule, before):
    departure = LOADING + 11 * 24 * HOUR
    payload = with_journey(examples.rail_f51(LOADING), departure_datetime=departure.isoformat(),
                           expected_arrival=(departure + journey).isoformat())
    assert_boundary(parse(payload), departure + journey - before, rule)


def test_road_1_hour_before_arrival():
    filing = parse(examples.road_f50(LOADING))
    assert_boundary(filing, filing.consignment.expected_arrival - HOUR, "DA-108")


# --------------------------------------------------------------------------------------------- lodging


def test_examples_lodged_at_their_issue_date_are_on_time():
    master = parse(examples.sea_f12(LOADING))
    for message_type, build in examples.BUILDERS.items():
        filing = parse(build(LOADING))
        linked = {"IE3F15": master, "IE3F22": parse(examples.air_f21(LOADING)),
                  "IE3F25": parse(examples.air_f21(LOADING))}.get(message_type)
        assert not is_late(filing, filing.document_issue_date, linked=linked), message_type


def test_late_filings_are_flagged_and_counted():
    tally = LateFilings()
    filing = parse(examples.road_f50(LOADING))
    deadline = lodging_deadline(filing)[0]
    on_time = tally.record(filing, deadline)
    late = tally.record(filing, deadline + 5 * MINUTE)
    assert (on_time.late, on_time.by) == (False, None)
    assert (late.late, late.by, late.rule_id) == (True, 5 * MINUTE, "DA-108")
    assert tally.lodged["DA-108"] == 2 and tally.late["DA-108"] == 1 and tally.total_late == 1


def test_lodging_time_must_be_timezone_aware():
    with pytest.raises(ValueError):
        is_late(parse(examples.road_f50(LOADING)), datetime(2025, 3, 3, 8, 0))
