"""Country code sets used by identifiers: ISO 3166 alpha-2, EU member states, EORI prefixes."""

from __future__ import annotations

from functools import lru_cache

import pycountry

#: The 27 member states as they prefix EORI numbers and customs office references (Greece is ``GR``, not ``EL``).
EU_MEMBER_STATES: frozenset[str] = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)
#: Codes outside ISO 3166-1 used by customs systems: XI Northern Ireland (Windsor Framework), XU the UK excluding NI.
CUSTOMS_EXTRA_CODES: frozenset[str] = frozenset({"XI", "XU"})
#: Prefixes of EORI numbers issued in the Union: the member states plus XI.
EORI_PREFIXES: frozenset[str] = EU_MEMBER_STATES | {"XI"}


@lru_cache(maxsize=1)
def iso_alpha2() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code known to pycountry."""
    return frozenset(c.alpha_2 for c in pycountry.countries)


def is_customs_country(code: str) -> bool:
    """Whether ``code`` may identify the country in an MRN, GRN or office reference (ISO alpha-2, XI or XU)."""
    return code in CUSTOMS_EXTRA_CODES or code in iso_alpha2()


def is_eu_eori_prefix(prefix: str) -> bool:
    """Whether ``prefix`` is the country prefix of an EORI number issued in the Union (EU27 with GR, or XI)."""
    return isinstance(prefix, str) and prefix.strip().upper() in EORI_PREFIXES


def country_problem(code: str, where: str = "") -> str | None:
    """Why ``code`` (two upper-case characters) is not a customs country code, or ``None`` if it is one.

    ``where`` (e.g. ``" (positions 3-4)"``) is put after "country code" in the reason.
    """
    if not code.isascii() or not code.isalpha() or len(code) != 2:
        return f"country code{where} must be two letters, got {code!r}"
    if not is_customs_country(code):
        hint = " (Greece is GR)" if code == "EL" else ""
        return f"country code{where} {code!r} is not an ISO 3166-1 alpha-2 code, XI or XU{hint}"
    return None
