"""MRN, GRN and the procedure category letters."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eucustoms.core.errors import InvalidIdentifier
from eucustoms.core.identifiers import GRN, MRN, DeclarationKind, ProcedureCategory, check_character, procedure_for
from eucustoms.core.ids.countries import iso_alpha2

ALNUM = string.digits + string.ascii_uppercase
COUNTRIES = sorted(iso_alpha2() | {"XI", "XU"})
LETTERS = "ABCDEJKLMPRSTUVW"

years = st.integers(2000, 2099)
countries = st.sampled_from(COUNTRIES)
serials = st.text(alphabet=ALNUM, min_size=12, max_size=12)
procedures = st.sampled_from(list(ProcedureCategory))


@st.composite
def mrns(draw) -> MRN:
    return MRN.build(draw(years), draw(countries), draw(serials), draw(procedures))


@st.composite
def grns(draw) -> GRN:
    voucher = draw(st.none() | st.text(alphabet=ALNUM, min_size=1, max_size=7))
    return GRN.build(draw(years), draw(countries), draw(serials), voucher)


def iso6346_oracle(body: str) -> str:
    """An independent statement of the DG XXI check character rule, used only as a test oracle."""
    values = {c: i for i, c in enumerate(string.digits)}
    value = 10
    for letter in string.ascii_uppercase:
        if value % 11 == 0:
            value += 1
        values[letter] = value
        value += 1
    return str(sum(values[c] * 2**i for i, c in enumerate(body)) % 11 % 10)


def reason(exc: pytest.ExceptionInfo[InvalidIdentifier]) -> str:
    return exc.value.reason


# --- check character -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mrn",
    ["06DE586600006143E1", "10NL5663962BE1E825"],  # MRNs published in the wild (legacy structures)
)
def test_check_character_matches_published_mrns(mrn: str) -> None:
    assert check_character(mrn[:17]) == mrn[17]


def test_check_character_matches_published_grn() -> None:
    # NCTS-P5 sample message CC015C: GRN 20XI0000010000070, check digit over the first 16 characters.
    assert check_character("20XI000001000007") == "0"
    assert GRN.is_valid("20XI0000010000070")


@settings(max_examples=200)
@given(st.text(alphabet=ALNUM, min_size=16, max_size=17))
def test_check_character_agrees_with_independent_oracle(body: str) -> None:
    assert check_character(body) == iso6346_oracle(body)


def test_check_character_refuses_foreign_characters() -> None:
    with pytest.raises(InvalidIdentifier):
        check_character("24DE0000-0000001A")


# --- MRN structure ---------------------------------------------------------------------------------------------


@settings(max_examples=150)
@given(years, countries, serials, procedures)
def test_build_then_parse_round_trips(year: int, country: str, serial: str, procedure: ProcedureCategory) -> None:
    mrn = MRN.build(year, country, serial, procedure)
    assert len(mrn) == 18
    assert MRN.parse(str(mrn)) == mrn
    assert MRN.parse(f"  {mrn.lower()} ") == mrn
    assert (mrn.year, mrn.country, mrn.serial, mrn.procedure) == (year, country, serial, procedure)
    assert mrn.check == check_character(mrn[:17])
    assert mrn.check.isdigit()


@settings(max_examples=100)
@given(mrns(), st.sampled_from(ALNUM))
def test_every_corruption_of_the_check_character_is_detected(mrn: MRN, replacement: str) -> None:
    corrupted = mrn[:17] + replacement
    if replacement == mrn.check:
        assert MRN.is_valid(corrupted)
        return
    with pytest.raises(InvalidIdentifier) as exc:
        MRN.parse(corrupted)
    assert reason(exc) == f"wrong check character (position 18): expected {mrn.check!r}, given {replacement!r}"


def test_all_35_wrong_check_characters_are_rejected() -> None:
    mrn = MRN.build(2024, "DE", "ABC123DEF456", "A")
    wrong = [c for c in ALNUM if c != mrn.check]
    assert len(wrong) == 35
    assert not any(MRN.is_valid(mrn[:17] + c) for c in wrong)


def test_most_single_character_substitutions_in_the_body_are_detected() -> None:
    rng = random.Random(2447)
    detected = total = 0
    for _ in range(20):
        mrn = MRN.generate(2025, "FR", rng.choice(LETTERS), rng=rng)
        for pos in range(4, 16):  # the unique part, where any [0-9A-Z] is allowed
            for c in ALNUM:
                if c != mrn[pos]:
                    total += 1
                    detected += not MRN.is_valid(mrn[:pos] + c + mrn[pos + 1 :])
    assert detected / total > 0.85


def test_known_blind_spot_of_the_iso6346_check() -> None:
    # '1' (value 1) and 'B' (value 12) differ by 11: the mod-11 sum does not change, the MRN stays valid.
    mrn = MRN.build(2024, "DE", "111111111111", "A")
    assert MRN.is_valid(mrn[:4] + "B" + mrn[5:])


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("24DE00000000003FA", "must be 18 characters, got 17"),
        ("24DE00000000003FA00", "must be 18 characters, got 19"),
        ("", "must be 18 characters, got 0"),
        ("2ADE00000000003FA0", "year (positions 1-2) must be two digits, got '2A'"),
        ("24D100000000003FA0", "country code (positions 3-4) must be two letters, got 'D1'"),
        ("24QQ00000000003FA0", "country code (positions 3-4) 'QQ' is not an ISO 3166-1 alpha-2 code"),
        ("24EL00000000003FA0", "(Greece is GR)"),
        ("24DE0000000000_FA0", "unique part (positions 5-16) may hold only [0-9A-Z], not '_'"),
        ("24DE00000000003FZ0", "procedure category (position 17) 'Z' is not one of ABCDEJKLMPRSTUVW"),
        ("24DE00000000003F10", "procedure category (position 17) '1'"),
        ("24DE00000000003FA1", "wrong check character (position 18): expected '0', given '1'"),
    ],
)
def test_parse_says_which_rule_failed(text: str, fragment: str) -> None:
    with pytest.raises(InvalidIdentifier) as exc:
        MRN.parse(text)
    assert fragment in reason(exc)
    assert exc.value.kind == "MRN"
    assert not MRN.is_valid(text)


def test_reference_mrn_is_valid() -> None:
    assert MRN.parse("24de00000000003fa0") == "24DE00000000003FA0"


@pytest.mark.parametrize("letter", list(string.ascii_uppercase))
def test_only_the_fifteen_procedure_letters_are_accepted(letter: str) -> None:
    body = "24DE000000000001" + letter
    assert MRN.is_valid(body + check_character(body)) == (letter in LETTERS)


@pytest.mark.parametrize("country", ["XI", "XU", "GR", "CH", "GB", "TR", "UA"])
def test_issuing_countries_beyond_the_member_states_are_accepted(country: str) -> None:
    assert MRN.build(2025, country, 1, "J").country == country


@pytest.mark.parametrize("country", ["EL", "XX", "UK", "EU", "D", "DEU", "1A"])
def test_unknown_countries_are_rejected_by_build(country: str) -> None:
    with pytest.raises(InvalidIdentifier):
        MRN.build(2025, country, 1, "J")


def test_int_serial_is_base36_left_padded() -> None:
    mrn = MRN.build(2024, "DE", 123, "A")
    assert mrn.serial == "00000000003F"
    assert mrn == "24DE00000000003FA0"
    assert MRN.build(2024, "DE", 36**12 - 1, "A").serial == "Z" * 12


@settings(max_examples=100)
@given(st.integers(0, 36**12 - 1))
def test_int_serial_round_trips(n: int) -> None:
    assert MRN.build(2030, "NL", n, "R").serial_number == n


@pytest.mark.parametrize("serial", [36**12, -1, True, 1.5, "ABC", "ABCDEFGHIJKLM", "ABCDEFGHIJ-L"])
def test_bad_serials_are_rejected(serial: object) -> None:
    with pytest.raises(InvalidIdentifier):
        MRN.build(2024, "DE", serial, "A")  # type: ignore[arg-type]


def test_year_may_be_given_as_four_or_two_digits() -> None:
    assert MRN.build(2024, "DE", 1, "A") == MRN.build(24, "DE", 1, "A")
    assert MRN.build(2000, "DE", 1, "A").year == 2000
    assert MRN.build(2099, "DE", 1, "A").year == 2099


@pytest.mark.parametrize("year", [1999, 2100, -1, 100, True, "2024"])
def test_bad_years_are_rejected(year: object) -> None:
    with pytest.raises(InvalidIdentifier):
        MRN.build(year, "DE", 1, "A")  # type: ignore[arg-type]


def test_build_accepts_a_category_a_kind_a_letter_or_a_kind_name() -> None:
    expected = MRN.build(2024, "DE", 7, ProcedureCategory.TRANSIT_AND_ENS)
    assert MRN.build(2024, "DE", 7, DeclarationKind.TRANSIT_WITH_ENS) == expected
    assert MRN.build(2024, "DE", 7, "l") == expected
    assert MRN.build(2024, "DE", 7, "transit_with_ens") == expected
    with pytest.raises(InvalidIdentifier):
        MRN.build(2024, "DE", 7, "Z")
    with pytest.raises(InvalidIdentifier):
        MRN.build(2024, "DE", 7, "teleport")


def test_generate_is_valid_and_reproducible_with_a_seeded_rng() -> None:
    a = MRN.generate(2025, "IT", "export", rng=random.Random(7))
    b = MRN.generate(2025, "IT", "export", rng=random.Random(7))
    assert a == b and MRN.is_valid(a) and a.procedure is ProcedureCategory.EXPORT
    assert len({MRN.generate(2025, "IT", "A") for _ in range(50)}) == 50


@pytest.mark.parametrize("value", [None, 123, b"24DE00000000003FA0", ["24DE00000000003FA0"]])
def test_non_strings_are_invalid(value: object) -> None:
    assert not MRN.is_valid(value)
    with pytest.raises(InvalidIdentifier) as exc:
        MRN.parse(value)
    assert "must be a string" in reason(exc)


# --- procedure categories ----------------------------------------------------------------------------------------

BRIEF_MAPPING = {
    "export": ("A", "Export only"),
    "export_with_exs": ("B", "Export and exit summary declaration"),
    "exs": ("C", "Exit summary declaration only"),
    "reexport_notification": ("D", "Re-export notification"),
    "special_fiscal_dispatch": ("E", "Dispatch of goods in relation with special fiscal territories"),
    "transit": ("J", "Transit declaration only"),
    "transit_with_exs": ("K", "Transit declaration and exit summary declaration"),
    "transit_with_ens": ("L", "Transit declaration and entry summary declaration"),
    "transit_with_exs_and_ens": ("M", "Transit declaration, exit summary declaration and entry summary declaration"),
    "proof_of_union_status": ("P", "Proof of the customs status of Union goods"),
    "import": ("R", "Import declaration only"),
    "import_with_ens": ("S", "Import declaration and entry summary declaration"),
    "ens": ("T", "Entry summary declaration only"),
    "temporary_storage": ("U", "Temporary storage declaration"),
    "special_fiscal_introduction": ("V", "Introduction of goods in relation with special fiscal territories"),
    "temporary_storage_with_ens": ("W", "Temporary storage declaration and entry summary declaration"),
}


@pytest.mark.parametrize(("kind", "expected"), BRIEF_MAPPING.items())
def test_procedure_for_each_declaration_kind(kind: str, expected: tuple[str, str]) -> None:
    category = procedure_for(DeclarationKind(kind))
    assert (category.value, category.description) == expected
    assert procedure_for(kind) is category
    assert category.declaration_kind is DeclarationKind(kind)


def test_procedure_categories_are_exactly_the_sixteen_letters() -> None:
    assert "".join(sorted(c.value for c in ProcedureCategory)) == LETTERS
    assert {k.value for k in DeclarationKind} == set(BRIEF_MAPPING)


def test_from_letter_rejects_other_letters() -> None:
    assert ProcedureCategory.from_letter(" r ") is ProcedureCategory.IMPORT
    for bad in ["F", "Z", "", "AB", None]:
        with pytest.raises(InvalidIdentifier):
            ProcedureCategory.from_letter(bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidIdentifier):
        procedure_for("smuggling")


# --- GRN ---------------------------------------------------------------------------------------------------------


@settings(max_examples=150)
@given(grns())
def test_grn_round_trips(grn: GRN) -> None:
    assert GRN.parse(grn.lower()) == grn
    assert 17 <= len(grn) <= 24
    assert grn.check == check_character(grn[:16]) == grn[16]
    assert grn.base == grn[:17]
    assert grn.voucher == (grn[17:] or None)


@settings(max_examples=100)
@given(grns(), st.sampled_from(ALNUM))
def test_every_corruption_of_the_grn_check_character_is_detected(grn: GRN, replacement: str) -> None:
    corrupted = grn[:16] + replacement + grn[17:]
    assert GRN.is_valid(corrupted) == (replacement == grn.check)


def test_grn_fields() -> None:
    grn = GRN.build(2024, "be", 35, "a123456")
    assert grn == "24BE00000000000Z" + check_character("24BE00000000000Z") + "A123456"
    assert (grn.year, grn.country, grn.serial, grn.voucher, grn.serial_number) == (2024, "BE", "00000000000Z", "A123456", 35)
    assert GRN.build(2024, "BE", 35).voucher is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("20XI000001000007", "must be 17 to 24 characters, got 16"),
        ("20XI0000010000070A1234567", "must be 17 to 24 characters, got 25"),
        ("20XI0000010000071", "wrong check character (position 17): expected '0', given '1'"),
        ("2XXI0000010000070", "year (positions 1-2)"),
        ("20QQ0000010000070", "country code (positions 3-4)"),
        ("20XI00000100000/0", "unique part (positions 5-16)"),
        ("20XI0000010000070A12-4", "voucher identifier (positions 18-24)"),
    ],
)
def test_grn_parse_says_which_rule_failed(text: str, fragment: str) -> None:
    with pytest.raises(InvalidIdentifier) as exc:
        GRN.parse(text)
    assert fragment in reason(exc)


@pytest.mark.parametrize("voucher", ["", "ABCDEFGH", "A-1"])
def test_grn_build_rejects_bad_vouchers(voucher: str) -> None:
    with pytest.raises(InvalidIdentifier):
        GRN.build(2024, "DE", 1, voucher)


def test_mrn_is_not_a_grn_and_vice_versa() -> None:
    mrn = MRN.build(2024, "DE", 1, "A")
    grn = GRN.build(2024, "DE", 1)
    assert mrn[:16] == grn[:16]
    assert not MRN.is_valid(grn)
    assert not GRN.is_valid(mrn)  # position 17 of an MRN is a letter, of a GRN a check digit
