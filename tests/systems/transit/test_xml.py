"""The NCTS phase 5 XML layer: the official samples, the dict form, safety limits, error lists, render."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from pathlib import Path

import pytest
from lxml import etree

from eucustoms.core.clock import Clock, use_clock
from eucustoms.core.errors import ErrorCode, Issue, Rejected
from eucustoms.core.ids.mrn import MRN
from eucustoms.systems.transit.xml import (
    MAX_BYTES,
    MESSAGE_TYPES,
    NS,
    Message,
    RenderError,
    XmlRejected,
    header,
    model,
    parse,
    project,
    render,
    validate,
    xml_errors,
)
from eucustoms.systems.transit.xml.examples import EXAMPLES, cc015c

SAMPLES = Path(__file__).parent / "samples"
VALID = sorted(SAMPLES.glob("*-valid*.xml"))
INVALID = sorted(SAMPLES.glob("*-invalid*.xml"))
EMITTED = ["CC928C", "CC056C", "CC057C", "CC028C", "CC060C", "CC029C", "CC051C", "CC055C", "CC004C", "CC009C",
           "CC043C", "CC025C", "CC045C", "CC019C", "CC035C", "CC022C", "CC917C", "CC906C"]


def _rejected(xml: bytes, **kwargs) -> XmlRejected:
    with pytest.raises(Rejected) as info:
        parse(xml, **kwargs)
    assert isinstance(info.value, XmlRejected)
    return info.value


def _edit(xml: bytes, change) -> bytes:
    """Apply ``change(root)`` to a parsed copy of ``xml`` and serialise it again."""
    root = etree.fromstring(xml)
    change(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# -- the message types ---------------------------------------------------------------------------------

def test_message_types_are_every_schema_in_the_package():
    assert NS == "http://ncts.dgtaxud.ec"
    assert len(MESSAGE_TYPES) == 33
    assert {"CC004C", "CC015C", "CC029C", "CC906C", "CC917C", "CC928C"} <= MESSAGE_TYPES
    assert all(t.startswith("CC") and t.endswith("C") and len(t) == 6 for t in MESSAGE_TYPES)


@pytest.mark.parametrize("message_type", sorted(MESSAGE_TYPES))
def test_every_type_has_a_structure_with_the_header_first(message_type):
    root = model.root(message_type)
    assert root.content is not None
    order = [n for n in root.content.order if n != "Extensions"]
    assert order[:6] == ["messageSender", "messageRecipient", "preparationDateAndTime", "messageIdentification",
                         "messageType", "correlationIdentifier"]
    assert "PhaseID" in root.content.attributes
    assert model.outline(message_type).startswith(f"{message_type} [1..1]")


def test_cc015c_repeating_elements_are_known():
    paths = set(model.repeated_paths("CC015C"))
    for path in ["/CC015C/Guarantee", "/CC015C/Guarantee/GuaranteeReference", "/CC015C/Consignment/HouseConsignment",
                 "/CC015C/Consignment/HouseConsignment/ConsignmentItem",
                 "/CC015C/Consignment/HouseConsignment/ConsignmentItem/Packaging",
                 "/CC015C/CustomsOfficeOfTransitDeclared", "/CC015C/Authorisation", "/CC015C/Extensions"]:
        assert path in paths
    for path in ["/CC015C/TransitOperation", "/CC015C/Consignment", "/CC015C/HolderOfTheTransitProcedure",
                 "/CC015C/Consignment/HouseConsignment/ConsignmentItem/Commodity"]:
        assert path not in paths


# -- the official samples --------------------------------------------------------------------------------

def test_there_are_samples_of_both_kinds():
    assert len(VALID) >= 5 and len(INVALID) >= 8


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_samples_parse_and_round_trip(path):
    raw = path.read_bytes()
    message = parse(raw)
    assert isinstance(message, Message)
    assert message.type == path.name[:6].upper()
    assert message.raw == raw
    assert message.data["messageType"] == message.type
    assert validate(raw) == []
    again = render(message.type, message.data)
    assert again.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert validate(again) == []
    assert parse(again, expected=message.type).data == message.data


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_samples_are_rejected_with_schema_errors_and_pointers(path):
    raw = path.read_bytes()
    message_type = path.name[:6].upper()
    error = _rejected(raw)
    assert error.issues and error.issues == validate(raw)
    for issue in error.issues:
        assert issue.code in {ErrorCode.CODELIST_VIOLATION, ErrorCode.MISSING, ErrorCode.NOT_ALLOWED}
        assert issue.pointer.startswith(f"/{message_type}/")
        assert "(line " in issue.reason
    assert any(i.pointer == f"/{message_type}/messageSender" for i in error.issues)
    assert all(e.line > 0 for e in error.errors)


def test_invalid_samples_say_what_is_wrong():
    missing = _rejected((SAMPLES / "cc015c-invalid.xml").read_bytes())
    assert [(i.code, i.pointer) for i in missing.issues] == [("13", "/CC015C/messageSender")]
    assert missing.errors[0].code == "13"  # CL030 missing
    empty = _rejected((SAMPLES / "cc015c-invalid-message-sender.xml").read_bytes())
    assert [(i.code, i.pointer) for i in empty.issues] == [("12", "/CC015C/messageSender")]
    assert empty.errors[0].code == "51"  # CL030 invalid value according to the pattern
    long = validate((SAMPLES / "cc014c-invalid-message-sender.xml").read_bytes())
    assert "tokentokentoken" in long[0].reason


# -- the dict form -------------------------------------------------------------------------------------

def test_dict_shape_lists_for_repeating_elements_even_when_single():
    data = parse((SAMPLES / "cc015c-valid.xml").read_bytes()).data
    assert data["@PhaseID"] == "NCTS5.0"
    assert isinstance(data["TransitOperation"], dict)
    assert data["TransitOperation"]["LRN"] == "DHbrfgDQJRm"
    assert isinstance(data["Guarantee"], list) and len(data["Guarantee"]) == 1
    house = data["Consignment"]["HouseConsignment"]
    assert isinstance(house, list) and len(house) == 1
    item = house[0]["ConsignmentItem"][0]
    assert isinstance(item["Packaging"], list)
    assert isinstance(item["Commodity"], dict)
    assert item["goodsItemNumber"] == "34564"  # text as sent, no conversion
    assert data["Consignment"]["grossMass"] == "4380979244.527545"
    assert "Authorisation" not in data  # absent elements are absent, not empty lists


def test_text_is_kept_exactly():
    raw = render("CC015C", cc015c())
    mass = parse(raw).data["Consignment"]["grossMass"].encode()
    changed = raw.replace(b"<grossMass>%s</grossMass>" % mass, b"<grossMass>%s0</grossMass>" % mass, 1)
    assert changed != raw
    assert parse(changed).data["Consignment"]["grossMass"] == mass.decode() + "0"


def test_extensions_are_kept_generically_and_round_trip():
    raw = render("CC015C", cc015c())

    def add(root):
        ext = etree.Element("Extensions")
        ext.append(etree.fromstring(b'<x:route xmlns:x="urn:example:ext" speed="fast"><x:leg>A7</x:leg><x:leg>A2</x:leg></x:route>'))
        root.insert(0, ext)

    extended = _edit(raw, add)
    data = parse(extended).data
    assert data["Extensions"] == [{"{urn:example:ext}route": {"@speed": "fast", "{urn:example:ext}leg": ["A7", "A2"]}}]
    assert parse(render("CC015C", data)).data == data


# -- safety ------------------------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<ncts:CC015C xmlns:ncts="http://ncts.dgtaxud.ec"><messageSender>&lol9;</messageSender></ncts:CC015C>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ncts:CC015C xmlns:ncts="http://ncts.dgtaxud.ec"><messageSender>&xxe;</messageSender></ncts:CC015C>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE CC015C SYSTEM "http://127.0.0.1:9/ncts.dtd">
<ncts:CC015C xmlns:ncts="http://ncts.dgtaxud.ec"/>"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, XXE, EXTERNAL_DTD], ids=["billion-laughs", "xxe", "external-dtd"])
def test_doctype_and_entities_are_refused_without_expansion(xml):
    started = time.perf_counter()
    error = _rejected(xml)
    assert time.perf_counter() - started < 1.0
    assert [(i.code, i.pointer) for i in error.issues] == [(ErrorCode.SYNTAX, "/")]
    assert "DOCTYPE" in error.issues[0].reason
    assert "root:" not in str(error.issues)  # nothing of /etc/passwd


def test_doctype_hidden_by_another_encoding_is_refused_too():
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'.encode("utf-16")
    assert b"<!DOCTYPE" not in xml
    issues = validate(xml)
    assert [(i.code, "DOCTYPE" in i.reason) for i in issues] == [(ErrorCode.SYNTAX, True)]


def test_oversize_message_is_refused_before_parsing():
    valid = (SAMPLES / "cc015c-valid.xml").read_bytes()
    big = valid.replace(b"<messageSender>", b" " * (MAX_BYTES + 1 - len(valid)) + b"<messageSender>", 1)
    assert len(big) == MAX_BYTES + 1
    issues = validate(big)
    assert [(i.code, i.pointer) for i in issues] == [(ErrorCode.SYNTAX, "/")]
    assert "limit" in issues[0].reason
    assert xml_errors(big)[0].code == "18"


def test_too_deep_nesting_is_refused():
    issues = validate(b"<a>" * 40 + b"</a>" * 40)
    assert [i.code for i in issues] == [ErrorCode.SYNTAX] and "deep" in issues[0].reason


@pytest.mark.parametrize("xml", [
    b"", b"not xml at all", b"<ncts:CC015C xmlns:ncts='http://ncts.dgtaxud.ec'><messageSender>x</ncts:CC015C>",
    b"<a>&undefined;</a>", b"<a></a><b/>",
])
def test_not_well_formed_is_syntax(xml):
    error = _rejected(xml)
    assert error.issues and all(i.code == ErrorCode.SYNTAX and i.pointer == "/" for i in error.issues)
    assert all(e.code == "52" for e in error.errors)  # CL030 invalid XML format


def test_syntax_errors_are_those_of_this_document_only():
    first = validate(b"<a><b></a>")
    assert validate(b"<a><b></a>") == first and len(first) == 1
    assert "line 1" in first[0].reason


def test_not_bytes_is_refused():
    issues = validate("<a/>")  # type: ignore[arg-type]
    assert [i.code for i in issues] == [ErrorCode.SYNTAX]


# -- the root and the expected type -----------------------------------------------------------------------

def test_wrong_type_for_expected_is_rejected_at_the_root():
    raw = (SAMPLES / "cc015c-valid.xml").read_bytes()
    error = _rejected(raw, expected="CC013C")
    assert [(i.code, i.pointer) for i in error.issues] == [(ErrorCode.CODELIST_VIOLATION, "/")]
    assert "CC015C" in error.issues[0].reason and "CC013C" in error.issues[0].reason
    assert parse(raw, expected={"CC013C", "CC015C"}).type == "CC015C"
    assert parse(raw, expected=("CC015C",)).type == "CC015C"


@pytest.mark.parametrize("xml", [
    b"<CC015C/>",  # no namespace
    b"<x:CC015C xmlns:x='urn:other'/>",
    b"<ncts:CC999C xmlns:ncts='http://ncts.dgtaxud.ec'/>",
    b"<ncts:description xmlns:ncts='http://ncts.dgtaxud.ec' value='a global element, not a message'/>",
])
def test_unknown_root_is_rejected_at_the_root(xml):
    error = _rejected(xml)
    assert [(i.code, i.pointer) for i in error.issues] == [(ErrorCode.CODELIST_VIOLATION, "/")]
    assert "not an NCTS phase 5 message" in error.issues[0].reason


def test_message_type_must_match_the_root():
    raw = (SAMPLES / "cc015c-valid.xml").read_bytes().replace(b"<messageType>CC015C<", b"<messageType>CC013C<")
    issues = validate(raw)
    assert [(i.code, i.pointer) for i in issues] == [(ErrorCode.RULE_VIOLATION, "/CC015C/messageType")]


# -- every error, with pointers ---------------------------------------------------------------------------

def test_several_errors_are_all_listed_with_pointers():
    raw = render("CC015C", cc015c(items=3))

    def spoil(root):
        root.set("PhaseID", "NCTS9")
        root.find("preparationDateAndTime").text = "2026-13-01T00:00:00"
        root.find("TransitOperation/LRN").getparent().remove(root.find("TransitOperation/LRN"))
        items = root.findall("Consignment/HouseConsignment/ConsignmentItem")
        items[1].find("Commodity/descriptionOfGoods").text = "x" * 600
        items[2].find("Packaging/typeOfPackages").text = "toolong"
        root.find("Guarantee/GuaranteeReference/currency").text = "euro"

    issues = validate(_edit(raw, spoil))
    found = {(i.code, i.pointer) for i in issues}
    assert found == {
        ("12", "/CC015C/@PhaseID"),
        ("12", "/CC015C/preparationDateAndTime"),
        ("13", "/CC015C/TransitOperation/LRN"),
        ("12", "/CC015C/Guarantee[1]/GuaranteeReference[1]/currency"),
        ("12", "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[2]/Commodity/descriptionOfGoods"),
        ("12", "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[3]/Packaging[1]/typeOfPackages"),
    }
    assert len(issues) == 6
    codes = {e.pointer.rsplit("/", 1)[-1]: e.code for e in xml_errors(_edit(raw, spoil))}
    assert codes["LRN"] == "13" and codes["descriptionOfGoods"] == "39"  # CL030: missing, too long


def test_misplaced_and_too_many_elements():
    raw = render("CC015C", cc015c())

    def extra(root):
        root.find("TransitOperation").append(etree.Element("unknownElement"))

    assert [(i.code, i.pointer) for i in validate(_edit(raw, extra))] == [("15", "/CC015C/TransitOperation/unknownElement")]

    def ten_guarantees(root):
        guarantee = root.find("Guarantee")
        for _ in range(9):
            guarantee.addnext(etree.fromstring(etree.tostring(guarantee)))

    errors = xml_errors(_edit(raw, ten_guarantees))
    assert [(e.code, e.functional_code, e.pointer) for e in errors] == [("35", "15", "/CC015C/Guarantee[10]")]


def test_attribute_errors_point_at_the_attribute():
    raw = (SAMPLES / "cc015c-valid.xml").read_bytes().replace(b'PhaseID="NCTS5.0"', b'PhaseID="NCTS5.0" colour="red"')
    assert [(i.code, i.pointer) for i in validate(raw)] == [("15", "/CC015C/@colour")]


# -- render ------------------------------------------------------------------------------------------------

def test_render_orders_children_as_the_schema_whatever_the_dict_order():
    data = cc015c()

    def reverse(value):
        if isinstance(value, dict):
            return {k: reverse(v) for k, v in reversed(list(value.items()))}
        if isinstance(value, list):
            return [reverse(v) for v in value]
        return value

    assert render("CC015C", reverse(data)) == render("CC015C", data)
    body = render("CC015C", reverse(data))
    assert body.index(b"<messageSender>") < body.index(b"<TransitOperation>") < body.index(b"<Consignment>")


class _Flag(Enum):
    YES = "1"


def test_render_formats_leaf_values():
    at = datetime(2026, 3, 2, 10, 30, 15, 999, tzinfo=timezone(timedelta(hours=1)))
    data = {
        **header("CC004C", "NTA.DE", "DE000000000001", at=at),
        "TransitOperation": {"MRN": MRN.build(2026, "DE", 17, "J"),
                             "amendmentSubmissionDateAndTime": datetime(2026, 3, 2, 8, 0),  # naive: UTC
                             "amendmentAcceptanceDateAndTime": at},
        "CustomsOfficeOfDeparture": {"referenceNumber": "DE004851"},
        "HolderOfTheTransitProcedure": {"identificationNumber": "DE000000000001"},
    }
    parsed = parse(render("CC004C", data)).data
    assert parsed["preparationDateAndTime"] == "2026-03-02T09:30:15"
    assert parsed["TransitOperation"]["amendmentAcceptanceDateAndTime"] == "2026-03-02T09:30:15"
    assert parsed["TransitOperation"]["amendmentSubmissionDateAndTime"] == "2026-03-02T08:00:00"
    assert parsed["TransitOperation"]["MRN"] == str(MRN.build(2026, "DE", 17, "J"))

    declaration = cc015c()
    declaration["TransitOperation"]["reducedDatasetIndicator"] = _Flag.YES
    declaration["TransitOperation"]["bindingItinerary"] = True
    declaration["TransitOperation"]["limitDate"] = date(2026, 3, 9)
    declaration["Guarantee"][0]["GuaranteeReference"][0]["amountToBeCovered"] = Decimal("1E+4")
    declaration["Consignment"]["grossMass"] = 1560.9
    declaration["Consignment"]["HouseConsignment"][0]["ConsignmentItem"][0]["Packaging"][0]["numberOfPackages"] = 4
    parsed = parse(render("CC015C", declaration)).data
    assert parsed["TransitOperation"]["reducedDatasetIndicator"] == "1"
    assert parsed["TransitOperation"]["bindingItinerary"] == "1"
    assert parsed["TransitOperation"]["limitDate"] == "2026-03-09"
    assert parsed["Guarantee"][0]["GuaranteeReference"][0]["amountToBeCovered"] == "10000"
    assert parsed["Consignment"]["grossMass"] == "1560.9"


def test_render_skips_none_values():
    data = cc015c()
    data["Representative"] = None
    data["TransitOperation"]["limitDate"] = None
    assert render("CC015C", data) == render("CC015C", cc015c() | {"messageIdentification": data["messageIdentification"],
                                                                   "preparationDateAndTime": data["preparationDateAndTime"]})


@pytest.mark.parametrize("change, pointer", [
    (lambda d: d.__setitem__("Unknown", "x"), "/CC015C/Unknown"),
    (lambda d: d.__setitem__("Guarantee", d["Guarantee"][0]), "/CC015C/Guarantee"),
    (lambda d: d.__setitem__("TransitOperation", [d["TransitOperation"]]), "/CC015C/TransitOperation"),
    (lambda d: d["TransitOperation"].__setitem__("LRN", {"a": "b"}), "/CC015C/TransitOperation/LRN"),
    (lambda d: d.__setitem__("Consignment", "text"), "/CC015C/Consignment"),
    (lambda d: d.__setitem__("@colour", "red"), "/CC015C/@colour"),
    (lambda d: d["TransitOperation"].__setitem__("LRN", object()), "/CC015C/TransitOperation/LRN"),
    (lambda d: d["TransitOperation"].__setitem__("LRN", "bad\x00char"), "/CC015C/TransitOperation/LRN"),
    (lambda d: d["Consignment"].__setitem__("grossMass", Decimal("NaN")), "/CC015C/Consignment/grossMass"),
])
def test_render_refuses_data_that_does_not_fit(change, pointer):
    data = cc015c()
    change(data)
    with pytest.raises(RenderError) as info:
        render("CC015C", data)
    assert isinstance(info.value, ValueError)
    assert pointer in [i.pointer for i in info.value.issues]


def test_render_validates_its_output():
    data = cc015c()
    del data["TransitOperation"]["LRN"]
    data["CustomsOfficeOfDeparture"]["referenceNumber"] = "HAMBURG"
    with pytest.raises(RenderError) as info:
        render("CC015C", data)
    assert {i.pointer for i in info.value.issues} == {"/CC015C/TransitOperation/LRN", "/CC015C/CustomsOfficeOfDeparture/referenceNumber"}
    assert "LRN" in str(info.value)


def test_render_refuses_unknown_type_and_mismatched_message_type():
    with pytest.raises(ValueError):
        render("CC999C", {})
    with pytest.raises(RenderError):
        render("CC028C", {**EXAMPLES["CC028C"](), "messageType": "CC928C"})


# -- header -----------------------------------------------------------------------------------------------

def test_header_fields():
    at = datetime(2026, 3, 2, 9, 30, 5, 123456, tzinfo=UTC)
    h = header("CC928C", "NTA.DE", "DE000000000001", correlation="abc", at=at)
    assert h == {
        "@PhaseID": "NCTS5.0", "messageSender": "NTA.DE", "messageRecipient": "DE000000000001",
        "preparationDateAndTime": "2026-03-02T09:30:05", "messageIdentification": h["messageIdentification"],
        "messageType": "CC928C", "correlationIdentifier": "abc",
    }
    assert 1 <= len(h["messageIdentification"]) <= 35
    assert "correlationIdentifier" not in header("CC928C", "NTA.DE", "DE000000000001")
    assert len({header("CC928C", "a", "b")["messageIdentification"] for _ in range(1000)}) == 1000


def test_header_defaults_to_the_box_clock():
    previous = use_clock(Clock.fixed(datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)))
    try:
        assert header("CC928C", "NTA.DE", "X")["preparationDateAndTime"] == "2027-01-02T03:04:05"
    finally:
        use_clock(previous)


@pytest.mark.parametrize("args", [("CC999C", "a", "b"), ("CC928C", "", "b"), ("CC928C", "a", "x" * 36), ("CC928C", " a", "b")])
def test_header_refuses_bad_values(args):
    with pytest.raises(ValueError):
        header(*args)


# -- the examples of what the system emits ----------------------------------------------------------------

@pytest.mark.parametrize("message_type", EMITTED)
def test_example_of_each_emitted_type_renders_valid(message_type):
    data = EXAMPLES[message_type]()
    body = render(message_type, data)
    assert validate(body, expected=message_type) == []
    parsed = parse(body, expected=message_type)
    assert parsed.data["messageType"] == message_type
    assert parse(render(message_type, parsed.data)).data == parsed.data


@pytest.mark.parametrize("message_type", ["CC015C", "CC007C"])
def test_examples_of_inbound_types_render_valid(message_type):
    assert validate(render(message_type, EXAMPLES[message_type]())) == []


def test_example_declaration_is_realistic():
    data = parse(render("CC015C", cc015c(items=3))).data
    assert MRN.is_valid(EXAMPLES["CC028C"]()["TransitOperation"]["MRN"])
    items = data["Consignment"]["HouseConsignment"][0]["ConsignmentItem"]
    assert [i["goodsItemNumber"] for i in items] == ["1", "2", "3"]
    assert data["CustomsOfficeOfDeparture"]["referenceNumber"] == "DE004851"


def test_release_reuses_the_declaration_data():
    declared = parse(render("CC015C", cc015c(items=3))).data
    declared["correlationIdentifier"] = "from-the-trader"
    release = EXAMPLES["CC029C"](declaration=declared, correlation="abc")
    data = parse(render("CC029C", release)).data
    assert data["correlationIdentifier"] == "abc" and data["messageType"] == "CC029C"
    assert data["Consignment"]["HouseConsignment"] == declared["Consignment"]["HouseConsignment"]
    assert "limitDate" not in data["TransitOperation"] and "correlationIdentifier" in declared
    assert project("CC029C", {"TransitOperation": {"limitDate": "2026-01-01", "LRN": "X"}, "Nope": 1}) == {"TransitOperation": {"LRN": "X"}}


def test_rejection_examples_carry_the_issues():
    issues = [Issue(ErrorCode.SYNTAX, "/", "not XML"), Issue("14", "/CC015C/TransitOperation/LRN", "R0001")]
    data = EXAMPLES["CC056C"](issues=issues)
    assert [(e["errorCode"], e["errorReason"]) for e in data["FunctionalError"]] == [("12", "12"), ("14", "R0001")]
    assert validate(render("CC056C", data)) == []
    nack = EXAMPLES["CC917C"](errors=_rejected(b"<a><b></a>").errors)
    assert validate(render("CC917C", nack)) == []


# -- concurrency ------------------------------------------------------------------------------------------

def test_concurrent_validation_keeps_each_documents_errors():
    valid = (SAMPLES / "cc015c-valid.xml").read_bytes()
    invalid = (SAMPLES / "cc015c-invalid.xml").read_bytes()
    expected_invalid = validate(invalid)
    failures: list[str] = []

    def work(n: int) -> None:
        for i in range(150):
            if (i + n) % 2:
                if validate(valid) != []:
                    failures.append("valid reported invalid")
            elif validate(invalid) != expected_invalid:
                failures.append("wrong errors")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_schema_location_hints_are_ignored_and_not_data():
    raw = (SAMPLES / "cc015c-valid.xml").read_bytes().replace(
        b'PhaseID="NCTS5.0"',
        b'PhaseID="NCTS5.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        b'xsi:schemaLocation="http://ncts.dgtaxud.ec http://127.0.0.1:9/other.xsd"')
    started = time.perf_counter()
    data = parse(raw).data
    assert time.perf_counter() - started < 1.0
    assert [k for k in data if k.startswith("@")] == ["@PhaseID"]
