"""CS/RD2 NCTS-P5 code lists, by name and by CL number."""

from __future__ import annotations

from datetime import date

import pytest

from eucustoms.refdata import UnknownCodeList

DAY = date(2025, 3, 1)


def test_transport_modes_cl218(ref):
    modes = ref.codelist("CL218", DAY)
    # The list has 1-5 and 7-9: 6 ("own propulsion" in older versions) is not a valid mode in NCTS-P5.
    assert set(modes) == {"1", "2", "3", "4", "5", "7", "8", "9"}
    assert modes["3"] == "Road transport"
    assert ref.code_valid("TransportModeCode", "1", DAY)
    assert not ref.code_valid("TransportModeCode", "6", DAY)
    assert ref.codelist("TransportModeCode", DAY) == modes


def test_all_55_ncts_lists_are_there_with_their_cl_numbers(ref):
    index = ref.codelist("CodeListIndex", DAY)
    assert len(index) == 55
    lists = ref.codelists()
    assert lists["GuaranteeType"] == "CL251" and lists["KindOfPackages"] == "CL017"
    assert lists["CountryCodesCTC"] is None
    assert ref.list_name("CL218") == ref.list_name("cl218") == "TransportModeCode"


@pytest.mark.parametrize("cl, code", [("CL251", "1"), ("CL231", "T2F"), ("CL017", "CT"), ("CL349", "KGM"),
                                      ("CL244", "DEHAM"), ("CL016", "0010001-6"), ("CL008", "XI")])
def test_known_codes_by_cl_number(ref, cl, code):
    assert ref.code_valid(cl, code, DAY)


def test_entries_keep_their_csrd2_details(ref):
    entry = ref.code("GuaranteeType", "1", DAY)
    assert entry.description and entry.attributes["active_from"]
    assert ref.code("GuaranteeType", "Z", DAY) is None


def test_unknown_lists_are_an_error(ref):
    with pytest.raises(UnknownCodeList):
        ref.code_valid("NoSuchList", "1", DAY)
    with pytest.raises(UnknownCodeList):
        ref.codelist("CL999", DAY)
