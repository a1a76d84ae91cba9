"""What REX registrations may say: the countries whose exporters register, the purposes, activities and grounds.

The list of GSP beneficiary countries is curated (Annexes II-IV of Regulation (EU) No 978/2012 as they stood in
2024; graduations are not dated). Norway, Switzerland and Türkiye register their exporters in REX too, for
cumulation with the EU under their own GSP schemes."""

from __future__ import annotations

#: GSP beneficiary countries and their arrangement (standard GSP, GSP+, or Everything But Arms).
BENEFICIARIES: dict[str, str] = {
    **{c: "GSP" for c in ("CK", "FM", "ID", "IN", "KE", "NG", "NU", "SY", "TJ", "WS")},
    **{c: "GSP+" for c in ("BO", "CV", "KG", "LK", "MN", "PH", "PK", "UZ")},
    **{c: "EBA" for c in (
        "AF", "AO", "BD", "BF", "BI", "BJ", "BT", "CD", "CF", "DJ", "ER", "ET", "GM", "GN", "GW", "HT", "KH", "KI",
        "KM", "LA", "LR", "LS", "MG", "ML", "MM", "MR", "MW", "MZ", "NE", "NP", "RW", "SB", "SD", "SL", "SN", "SO",
        "SS", "ST", "TD", "TG", "TL", "TV", "TZ", "UG", "YE", "ZM")},
}
#: Countries outside the GSP whose authorities register exporters in REX (cumulation and replacement statements).
PARTNERS: frozenset[str] = frozenset({"NO", "CH", "TR"})

#: Why an exporter registers: the GSP (beneficiary-country exporters; EU exporters for bilateral cumulation and
#: replacement statements) and the agreements whose statements on origin by EU exporters give the REX number.
PURPOSES: dict[str, str] = {
    "GSP": "Generalised Scheme of Preferences (Regulation (EU) No 978/2012): exports, cumulation, replacement statements",
    "CETA": "EU-Canada Comprehensive Economic and Trade Agreement",
    "EU-JP": "EU-Japan Economic Partnership Agreement",
    "EU-VN": "EU-Vietnam Free Trade Agreement",
    "EU-UK": "EU-UK Trade and Cooperation Agreement",
    "EU-NZ": "EU-New Zealand Free Trade Agreement",
}
ACTIVITIES = ("producer", "trader")

#: Grounds of a revocation: the exporter no longer exists or ceased exporting, no longer fulfils the conditions,
#: asked for it, or made out statements on origin with incorrect information.
REVOCATION_GROUNDS = ("ceased_activity", "conditions_not_fulfilled", "exporter_request", "incorrect_information")


def third_country_arrangement(country: str) -> str | None:
    """The arrangement under which exporters of ``country`` register in REX, or None if they do not."""
    if country in BENEFICIARIES:
        return BENEFICIARIES[country]
    return "partner" if country in PARTNERS else None
