"""The simulated world: economic operators across the participating countries, trade lanes and goods.

Everything is drawn from a seeded random generator, so one seed always gives the same world. Places and
customs offices are kept only where the box's reference data knows them on the first simulated day (as-of
queries), goods codes only where the tariff has a declarable line that day: the world is valid for the box it
runs on. :meth:`World.install` registers the cast through the systems' own services (EOS registrations,
comprehensive guarantees in GUM, CCL authorisations), idempotently: a world installed twice is installed once.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from eucustoms.core.identifiers import EORI

# Countries whose ports, airports and borders carry most of the Union's imports, weighted roughly by their
# share of extra-EU imports (illustrative weights: Eurostat publishes the shares; the report does not).
IMPORT_WEIGHTS = {"NL": 16, "DE": 15, "BE": 10, "FR": 9, "IT": 9, "ES": 8, "PL": 6, "IE": 3, "AT": 2, "CZ": 2,
                  "SE": 2, "DK": 2, "GR": 2, "PT": 2, "RO": 2, "HU": 2, "FI": 1, "SK": 1, "SI": 1, "LT": 1, "BG": 1,
                  "HR": 1, "LV": 1, "EE": 1, "LU": 1, "CY": 1, "MT": 1}

# Trade lanes: (mode, place of loading, place of unloading, office of first entry (role ENT), countries of
# routing of the means, voyage hours, origin country of the goods).
LANES: list[tuple[str, str, str, str, tuple[str, ...], float, str]] = [
    ("sea", "CNSHA", "NLRTM", "NL000396", ("CN", "SG", "NL"), 34 * 24, "CN"),
    ("sea", "CNNGB", "NLRTM", "NL000396", ("CN", "SG", "NL"), 33 * 24, "CN"),
    ("sea", "SGSIN", "NLRTM", "NL000396", ("SG", "NL"), 26 * 24, "SG"),
    ("sea", "CNSHA", "BEANR", "BE101000", ("CN", "SG", "BE"), 34 * 24, "CN"),
    ("sea", "INNSA", "BEANR", "BE101000", ("IN", "BE"), 22 * 24, "IN"),
    ("sea", "KRPUS", "DEHAM", "DE004851", ("KR", "SG", "DE"), 36 * 24, "KR"),
    ("sea", "CNNGB", "DEHAM", "DE004851", ("CN", "DE"), 35 * 24, "CN"),
    ("sea", "VNSGN", "FRLEH", "FR002300", ("VN", "SG", "FR"), 30 * 24, "VN"),
    ("sea", "CNSHA", "ESVLC", "ES004611", ("CN", "SG", "ES"), 30 * 24, "CN"),
    ("sea", "TRMER", "ESVLC", "ES004611", ("TR", "ES"), 6 * 24, "TR"),
    ("sea", "CNSZX", "GRPIR", "GR004001", ("CN", "SG", "GR"), 24 * 24, "CN"),
    ("sea", "CNSHA", "PLGDN", "PL322080", ("CN", "SG", "PL"), 38 * 24, "CN"),
    ("sea", "MAPTM", "ESALG", "ES001101", ("MA", "ES"), 10, "MA"),
    ("air", "HKHKG", "DEFRA", "DE003302", ("HK", "DE"), 13, "CN"),
    ("air", "CNPVG", "DEFRA", "DE003302", ("CN", "DE"), 12, "CN"),
    ("air", "INDEL", "DEFRA", "DE003302", ("IN", "DE"), 9, "IN"),
    ("air", "HKHKG", "BELGG", "BE532000", ("HK", "BE"), 13, "CN"),
    ("air", "AEDXB", "BELGG", "BE532000", ("AE", "BE"), 7, "AE"),
    ("air", "THBKK", "NLAMS", "NL000432", ("TH", "NL"), 12, "TH"),
    ("air", "USNYC", "NLAMS", "NL000432", ("US", "NL"), 8, "US"),
    ("air", "CNPVG", "FRCDG", "FR00677A", ("CN", "FR"), 12, "CN"),
    ("air", "HKHKG", "ESMAD", "ES002801", ("HK", "ES"), 13, "CN"),
    ("air", "CNSZX", "DEMUC", "DE007650", ("CN", "DE"), 12, "CN"),
    ("road", "UALVI", "PLMED", "PL401030", ("UA", "PL"), 3, "UA"),
    ("road", "UAUZH", "SKVNE", "SK532100", ("UA", "SK"), 3, "UA"),
    ("road", "UAODS", "ROSRT", "ROIS8200", ("UA", "RO"), 6, "UA"),
    ("road", "BYMSQ", "LTVNO", "LTVK2000", ("BY", "LT"), 5, "BY"),
    ("rail", "CNXIA", "PLMAA", "PL301020", ("CN", "KZ", "RU", "BY", "PL"), 16 * 24, "CN"),
    ("rail", "CNCKG", "PLMAA", "PL301020", ("CN", "KZ", "RU", "BY", "PL"), 17 * 24, "CN"),
    ("express", "USJFK", "BELGG", "BE532000", ("US", "BE"), 9, "US"),
    ("express", "HKHKG", "BELGG", "BE532000", ("HK", "BE"), 14, "CN"),
    ("express", "CNSZX", "DEMUC", "DE007650", ("CN", "DE"), 13, "CN"),
    ("express", "HKHKG", "DEFRA", "DE003302", ("HK", "DE"), 13, "CN"),
    ("express", "USNYC", "NLAMS", "NL000432", ("US", "NL"), 8, "US"),
    ("postal", "CNPEK", "IEDUB", "IEDUB500", ("CN", "IE"), 14, "CN"),
    ("postal", "CNSZX", "NLAMS", "NL000432", ("CN", "NL"), 13, "CN"),
    ("postal", "CNSZX", "DEFRA", "DE003302", ("CN", "DE"), 13, "CN"),
    ("postal", "HKHKG", "BELGG", "BE532000", ("HK", "BE"), 14, "CN"),
    ("postal", "CNPVG", "FRCDG", "FR00677A", ("CN", "FR"), 12, "CN"),
]
# The drug precursor route of the report (a seizure at Liège airport in March 2024 of chemicals for amphetamine,
# methamphetamine and ecstasy): by air, China/Hong Kong → Liège.
PRECURSOR_LANES = [("air", "HKHKG", "BELGG"), ("air", "CNPVG", "FRCDG"), ("air", "HKHKG", "DEFRA")]

# Goods for cargo (ENS and H1): (CN code, TARIC suffix, HS6, description, EUR per kg, kg per item, origins,
# ENS package kind, lane modes it travels on).
CARGO_GOODS: list[tuple[str, str, str, str, tuple[float, float], tuple[int, int], tuple[str, ...], str, tuple[str, ...]]] = [
    ("61091000", "00", "610910", "T-shirts of cotton, knitted", (16, 40), (50, 2000), ("CN", "BD", "TR", "VN", "IN"), "CT", ("sea", "air")),
    ("64039993", "00", "640399", "Leather shoes for men", (35, 90), (50, 1500), ("VN", "CN", "IN"), "CT", ("sea", "air")),
    ("84713000", "00", "847130", "Portable computers, 14 inch", (350, 900), (20, 800), ("CN", "TW"), "CT", ("air", "sea")),
    ("85076000", "90", "850760", "Lithium-ion accumulators", (20, 60), (100, 3000), ("CN", "KR"), "CT", ("sea", "air", "rail")),
    ("87120030", "00", "871200", "Bicycles without ball bearings", (15, 40), (200, 4000), ("TW", "KH"), "CT", ("sea",)),
    ("94036010", "00", "940360", "Wooden dining tables, solid oak, flat-packed", (6, 14), (500, 3000), ("CN", "VN"), "CT", ("sea", "road", "rail")),
    ("95030075", "00", "950300", "Plastic toys and construction sets for children", (9, 25), (200, 2500), ("CN",), "CT", ("sea", "rail")),
    ("85287220", "00", "852872", "LCD television receivers, 55 inch", (22, 60), (300, 1600), ("CN", "KR"), "CT", ("sea",)),
    ("40111000", "00", "401110", "New pneumatic rubber tyres for passenger cars", (3.8, 8), (500, 4000), ("CN", "TR", "TH"), "PX", ("sea", "road", "rail")),
    ("44071190", "00", "440711", "Sawn pine wood, thickness over 6 mm", (0.3, 0.7), (8000, 22000), ("UA", "BY"), "NE", ("road", "rail")),
    ("73181595", "00", "731815", "Threaded screws and bolts of steel", (2.5, 5), (500, 6000), ("CN", "TH", "VN"), "PX", ("sea", "rail")),
    ("85414300", "90", "854143", "Photovoltaic modules", (2.8, 6), (1000, 8000), ("CN",), "PX", ("sea",)),
    ("33049900", "00", "330499", "Skin care preparations", (26, 80), (20, 500), ("KR", "US", "CN"), "CT", ("air",)),
    ("85171300", "00", "851713", "Smartphones for cellular networks", (480, 1200), (5, 200), ("CN", "VN"), "BX", ("air",)),
    ("08039019", "00", "080390", "Fresh bananas", (0.95, 1.6), (10000, 20000), ("EC", "CO"), "CT", ("sea",)),
    ("08051022", "00", "080510", "Navel oranges, fresh", (0.8, 2), (2000, 20000), ("MA", "ZA", "EG"), "CT", ("sea",)),
    ("18069090", "00", "180690", "Chocolate preparations", (4, 12), (100, 3000), ("CH", "GB", "TR"), "CT", ("road", "sea")),
]
# Parcels (ENS express/postal, H7): (CN code, HS6, description, EUR per item, kg per item, origin).
PARCEL_GOODS = [
    ("61091000", "610910", "T-shirt of cotton, printed", (6, 35), (0.15, 0.6)),
    ("42022290", "420222", "Handbag of textile", (12, 80), (0.3, 1.2)),
    ("95030075", "950300", "Toy of plastics", (5, 60), (0.2, 1.5)),
    ("85183000", "851830", "Wireless earphones with charging case", (15, 120), (0.1, 0.4)),
    ("33049900", "330499", "Skin care cream", (8, 70), (0.1, 0.5)),
    ("64029998", "640299", "Sports shoes with rubber soles", (20, 110), (0.6, 1.4)),
    ("85176200", "851762", "Smart watch", (25, 140), (0.1, 0.3)),
    ("39269097", "392690", "Phone case of plastics", (3, 25), (0.05, 0.2)),
]
# Chemicals on the precursor route: what is declared, and what it really is (planted: see fraud.py).
PRECURSORS = [
    ("291439", "Industrial ketone solvent, technical grade", "BMK glycidate (APAAN/BMK precursor)"),
    ("293299", "Heterocyclic compound for fragrance synthesis", "PMK ethyl glycidate (MDMA precursor)"),
    ("292149", "Amine intermediate for dyes", "4-ANPP (fentanyl precursor)"),
]

CITIES = {
    "CN": ["Shanghai", "Ningbo", "Shenzhen", "Guangzhou", "Xiamen", "Yiwu", "Suzhou", "Xi'an", "Chongqing"],
    "HK": ["Hong Kong", "Kowloon"], "IN": ["Mumbai", "New Delhi", "Chennai"], "VN": ["Ho Chi Minh City", "Hanoi"],
    "KR": ["Busan", "Seoul"], "SG": ["Singapore"], "TR": ["Istanbul", "Izmir", "Mersin"],
    "US": ["New York", "Newark", "Atlanta"], "TH": ["Bangkok"], "AE": ["Dubai"], "UA": ["Lviv", "Uzhhorod", "Odesa"],
    "BY": ["Minsk", "Brest"], "MA": ["Tangier"], "TW": ["Taichung", "Kaohsiung"], "KH": ["Phnom Penh"],
    "BD": ["Dhaka"], "EC": ["Guayaquil"], "CO": ["Santa Marta"], "ZA": ["Cape Town"], "EG": ["Alexandria"],
    "CH": ["Basel"], "GB": ["Dover"],
}
EU_CITIES = {
    "AT": ("Wien", "1030"), "BE": ("Antwerpen", "2030"), "BG": ("Varna", "9000"), "CY": ("Limassol", "3045"),
    "CZ": ("Praha", "16000"), "DE": ("Hamburg", "20457"), "DK": ("Aarhus", "8000"), "EE": ("Tallinn", "10111"),
    "ES": ("Valencia", "46024"), "FI": ("Kotka", "48100"), "FR": ("Le Havre", "76600"), "GR": ("Piraeus", "18538"),
    "HR": ("Rijeka", "51000"), "HU": ("Budapest", "1097"), "IE": ("Dublin", "D01"), "IT": ("Genova", "16126"),
    "LT": ("Klaipeda", "91249"), "LU": ("Luxembourg", "1360"), "LV": ("Riga", "1010"), "MT": ("Marsaxlokk", "MXK1000"),
    "NL": ("Rotterdam", "3089"), "PL": ("Gdansk", "80-601"), "PT": ("Sines", "7520"), "RO": ("Constanta", "900900"),
    "SE": ("Goteborg", "41834"), "SI": ("Koper", "6000"), "SK": ("Bratislava", "82105"), "XI": ("Belfast", "BT3 9AG"),
}
WORDS = ["Bright", "Golden", "Pacific", "Eastern", "Harmony", "Sunrise", "Lotus", "Jade", "Crown", "Delta",
         "Orient", "Summit", "Blue Ocean", "Evergreen", "Phoenix", "Star", "Silk Road", "Great Harbour"]
TRADES = ["Furniture", "Electronics", "Textiles", "Trading", "Industrial", "Home Goods", "Auto Parts", "Toys",
          "Foods", "Hardware", "Lighting", "Chemicals"]
SURNAMES = ["Jansen", "Müller", "Dubois", "García", "Rossi", "Nowak", "Kovács", "Popescu", "Novak", "Andersson",
            "Virtanen", "Murphy", "Silva", "Papadopoulos", "Horvat", "Kazlauskas", "Berger", "Peeters", "Schmidt",
            "Lefèvre", "Romano", "Wiśniewski", "Nielsen", "Ozols", "Tamm", "Borg", "Georgiou", "Dimitrov"]
FIRST_NAMES = ["Anna", "Jan", "Marie", "Luca", "Sofia", "Mateusz", "Eva", "Pieter", "Ines", "Jonas", "Elena", "Liam"]
SUFFIX = {"DE": "GmbH", "AT": "GmbH", "NL": "B.V.", "BE": "NV", "FR": "SAS", "IT": "S.r.l.", "ES": "S.L.",
          "PL": "Sp. z o.o.", "IE": "Ltd", "XI": "Ltd", "MT": "Ltd", "CY": "Ltd", "SE": "AB", "DK": "ApS",
          "FI": "Oy", "EE": "OÜ", "LV": "SIA", "LT": "UAB", "CZ": "s.r.o.", "SK": "s.r.o.", "HU": "Kft.",
          "RO": "SRL", "BG": "EOOD", "HR": "d.o.o.", "SI": "d.o.o.", "PT": "Lda", "GR": "AE", "LU": "Sàrl"}
POSTAL = {"IE": "An Post", "NL": "PostNL Pakketten B.V.", "DE": "Deutsche Post AG", "BE": "bpost NV",
          "FR": "La Poste SA"}
EXPRESS = ["Transatlantic Express Europe SRL", "EuroParcel Express GmbH", "SkyLink Courier B.V.", "Rapid Air Express NV"]
NETWORK_COUNTRIES = ("NL", "BE", "DE", "FR", "ES")  # where the planted network's fronts are established
ACCESS_CODE = "S1M2"  # every simulated guarantee's access code
CCI_SUPERVISING, CCI_PRESENTATION = "DE002150", "NL"


@dataclass(frozen=True)
class Operator:
    eori: str
    name: str
    country: str  # where established (third-country operators: their country; EORI issued by a member state)
    role: str  # importer, exporter, carrier_sea, carrier_air, carrier_road, carrier_rail, house_filer, express, postal, representative, shipper
    city: str
    postcode: str
    street: str
    established: bool = True
    markets: tuple[str, ...] = ()  # a shipper's usual destination member states (it sells mostly there)

    def party(self, *, with_id: bool = True) -> dict[str, Any]:
        """As an ICS2 party."""
        p: dict[str, Any] = {"name": self.name, "type_of_person": "2",
                             "address": {"street": self.street, "city": self.city, "country": self.country,
                                         **({"postcode": self.postcode} if self.postcode else {})}}
        if with_id:
            p["identification_number"] = self.eori
        return p


@dataclass(frozen=True)
class Lane:
    mode: str
    loading: str
    unloading: str
    office: str  # office of first entry
    routing: tuple[str, ...]
    hours: float
    origin: str

    @property
    def country(self) -> str:
        return self.office[:2]


@dataclass
class World:
    seed: int
    start: date
    operators: dict[str, list[Operator]]  # role → operators
    lanes: list[Lane]
    presentation_offices: dict[str, list[str]]  # country → offices of presentation (role PLA)
    cargo_goods: list[tuple]
    parcel_goods: list[tuple]
    other_codes: list[str]  # declarable codes without any measure (VAT only), from the tariff
    network: dict[str, Any] = field(default_factory=dict)  # the planted smuggling network (see fraud.py)
    export_offices: dict[str, list[str]] = field(default_factory=dict)  # country → offices of export (role EXP)
    transit_routes: list[tuple] = field(default_factory=list)  # (departure, destination, routing, hours)
    grns: dict[str, str] = field(default_factory=dict)  # declarant → GRN, after install()
    ccl: dict[str, str] = field(default_factory=dict)  # CCI declarant → CCL authorisation reference

    # -- building ------------------------------------------------------------------------------------------

    @classmethod
    def build(cls, seed: int, start: date, refdata: Any = None, tariff: Any = None, *, size: int = 1) -> World:
        """The world of ``seed``; with ``refdata``/``tariff`` (the box's), places, offices and goods codes not
        valid on ``start`` are left out."""
        r = random.Random(f"world:{seed}")
        ops: dict[str, list[Operator]] = {}
        used: set[str] = set()

        def eori(country: str) -> str:
            while True:
                candidate = f"{country if country != 'XI' else 'XI'}{r.randrange(10**11, 10**12)}"
                if candidate not in used and EORI.is_valid(candidate):
                    used.add(candidate)
                    return candidate

        def eu_op(role: str, country: str, name: str) -> Operator:
            city, postcode = EU_CITIES[country]
            return Operator(eori(country), name, country, role, city, postcode,
                            f"{r.choice(['Industrieweg', 'Havenstraat', 'Hauptstraße', 'Rue du Port', 'Via del Porto', 'Calle Mayor'])} {r.randrange(1, 300)}")

        weights = IMPORT_WEIGHTS
        countries = list(weights)

        def country_by_weight() -> str:
            return r.choices(countries, weights=[weights[c] for c in countries])[0]

        n = max(1, size)
        ops["importer"] = [eu_op("importer", c, f"{r.choice(SURNAMES)} {r.choice(['Handel', 'Import', 'Distribution', 'Trading', 'Wholesale'])} {SUFFIX[c]}")
                           for c in (country_by_weight() for _ in range(1000 * n))]
        ops["exporter"] = [eu_op("exporter", c, f"{r.choice(SURNAMES)} {r.choice(['Maschinenbau', 'Foods', 'Chemicals', 'Export', 'Industries'])} {SUFFIX[c]}")
                           for c in (country_by_weight() for _ in range(40 * n))]
        ops["representative"] = [eu_op("representative", c, f"{r.choice(SURNAMES)} Customs Brokers {SUFFIX[c]}")
                                 for c in sorted(weights) for _ in range(2 if weights[c] >= 6 else 1)]
        carriers = {"carrier_sea": ("Ocean Lines", ["DK", "FR", "DE", "NL", "IT"], 10),
                    "carrier_air": ("Air Cargo", ["DE", "NL", "LU", "BE", "FR"], 8),
                    "carrier_road": ("Trans", ["PL", "LT", "SK", "RO"], 8),
                    "carrier_rail": ("Rail Gateway", ["PL", "DE"], 3)}
        for role, (word, homes, count) in carriers.items():
            ops[role] = []
            for i in range(count):
                c = homes[i % len(homes)]
                ops[role].append(eu_op(role, c, f"{r.choice(WORDS)} {word} {SUFFIX[c]}"))
        ops["house_filer"] = [eu_op("house_filer", c, f"{r.choice(SURNAMES)} Forwarding {SUFFIX[c]}")
                              for c in ("DE", "NL", "BE", "FR", "IT", "ES")]
        ops["express"] = [eu_op("express", c, name) for c, name in zip(("BE", "DE", "NL", "BE"), EXPRESS)]
        ops["postal"] = [eu_op("postal", c, name) for c, name in POSTAL.items()]
        ops["shipper"] = []
        for c, cities in sorted(CITIES.items()):
            for i in range((60 if c in ("CN", "HK") else 12) * n):
                markets = tuple(sorted({country_by_weight() for _ in range(r.choice((1, 1, 2)))}))
                ops["shipper"].append(Operator(f"{c}{r.randrange(10**7, 10**8)}",
                                               f"{r.choice(cities)} {r.choice(WORDS)} {r.choice(TRADES)} Co., Ltd. {i}",
                                               c, "shipper", r.choice(cities), "", f"{r.randrange(1, 2000)} {r.choice(['Road', 'Avenue', 'Street'])}",
                                               established=False, markets=markets))
        # Third-country exporters who lodge in the Union get an EORI from the member state where they first lodge.
        lanes = [Lane(*x) for x in LANES]
        # Without reference data (planning only): the offices of first entry stand for the offices of presentation.
        presentation: dict[str, list[str]] = {}
        for ln in lanes:
            presentation.setdefault(ln.country, []).append(ln.office)
        presentation = {c: sorted(set(v)) for c, v in presentation.items()}
        cargo, parcels, other = list(CARGO_GOODS), list(PARCEL_GOODS), []
        if refdata is not None:
            lanes = [ln for ln in lanes if refdata.place(ln.loading) and refdata.place(ln.unloading)
                     and refdata.office_has_role(ln.office, "ENT", start)]
            presentation = {}
            for c in countries:
                presentation[c] = sorted(o.reference_number for o in refdata.offices(country=c, role="PLA", as_of=start))[:8]
            presentation = {c: v for c, v in presentation.items() if v}
        if tariff is not None:
            cargo = [g for g in cargo if tariff.is_declarable(g[0] + g[1], start)]
            parcels = [g for g in parcels if tariff.is_declarable(g[0] + "00", start)]
            other = sorted(c for c in tariff.items if tariff.is_declarable(c, start) and not tariff.measures_on(c, start)
                           and c[:2] not in ("22", "24", "93", "97") and c[:4] not in ("0106", "0507", "9601", "2903", "3827"))
            other = other[:: max(1, len(other) // 200)]
        # The smuggling network: one organiser abroad, front companies in several member states sharing one
        # registered address, goods entering through different member states (see fraud.py).
        net_countries = list(NETWORK_COUNTRIES)
        shared = ("Zuidweg 7", "Rotterdam", "3089", "NL")
        fronts = [Operator(eori(c), f"{r.choice(SURNAMES)} Global {r.choice(['Imports', 'Supplies', 'Commerce'])} {SUFFIX[c]}",
                           shared[3], "importer", shared[1], shared[2], shared[0]) for c in net_countries]
        organiser = Operator(f"CN{r.randrange(10**7, 10**8)}", "Pearl River Industrial Supplies Co., Ltd.", "CN", "shipper",
                             "Guangzhou", "", "88 Huangpu Avenue", established=False)
        network = {"fronts": fronts, "organiser": organiser, "countries": net_countries}
        from .flows.transit import ROUTES
        from .flows.transit import routes as usable_routes

        export_offices = {c: [ln.office] for c in countries for ln in lanes if ln.country == c}
        transit_routes = list(ROUTES)
        if refdata is not None:
            export_offices = {c: sorted(o.reference_number for o in refdata.offices(country=c, role="EXP", as_of=start))[:5]
                              for c in countries}
            export_offices = {c: v for c, v in export_offices.items() if v}
            transit_routes = usable_routes(refdata, start)
        return cls(seed=seed, start=start, operators=ops, lanes=lanes, presentation_offices=presentation,
                   cargo_goods=cargo, parcel_goods=parcels, other_codes=other, network=network,
                   export_offices=export_offices, transit_routes=transit_routes)

    # -- views -----------------------------------------------------------------------------------------------

    def of(self, role: str) -> list[Operator]:
        return self.operators.get(role, [])

    def everyone(self) -> list[Operator]:
        """Every operator with an EORI, in a stable order (the network's fronts included)."""
        out = [o for role, ops in sorted(self.operators.items()) if role != "shipper" for o in ops]
        return out + list(self.network.get("fronts", []))

    def lanes_of(self, mode: str) -> list[Lane]:
        return [ln for ln in self.lanes if ln.mode == mode]

    def declarants(self) -> list[Operator]:
        """Who lodges H1 declarations and holds a comprehensive guarantee: the customs representatives."""
        return self.of("representative")

    def summary(self) -> dict[str, Any]:
        return {"operators": {role: len(ops) for role, ops in sorted(self.operators.items())},
                "network_fronts": len(self.network.get("fronts", [])),
                "lanes": {m: len(self.lanes_of(m)) for m in sorted({ln.mode for ln in self.lanes})},
                "countries_with_offices_of_presentation": len(self.presentation_offices),
                "cargo_goods": len(self.cargo_goods), "parcel_goods": len(self.parcel_goods),
                "other_tariff_codes": len(self.other_codes)}

    def digest(self) -> str:
        """A fingerprint of the world (same seed and reference data → same digest)."""
        data = {"seed": self.seed, "start": self.start.isoformat(),
                "operators": {k: [asdict(o) for o in v] for k, v in sorted(self.operators.items())},
                "lanes": [asdict(ln) for ln in self.lanes], "offices": self.presentation_offices,
                "goods": [list(map(str, g)) for g in self.cargo_goods + self.parcel_goods], "other": self.other_codes,
                "network": {"fronts": [asdict(o) for o in self.network.get("fronts", [])],
                            "organiser": asdict(self.network["organiser"]) if self.network else None}}
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]

    # -- installing ---------------------------------------------------------------------------------------------

    def install(self, ctx: Any) -> dict[str, int]:
        """Register the cast in EOS, issue a comprehensive guarantee to each declarant (GUM) and record the CCL
        authorisations of the centralised clearance lane (the import system's service), through the systems'
        services. Idempotent: what exists already is looked up, not created again."""
        from eucustoms.core.errors import CustomsError
        from eucustoms.platform.auth import Principal, Role
        from eucustoms.systems.eos import service as eos
        from eucustoms.systems.eos.messages import Address, OperatorRegistration
        from eucustoms.systems.guarantees import service as gum
        from eucustoms.systems.guarantees.messages import Amount, GuaranteeIssue
        from eucustoms.systems.imports import service as imports

        db = ctx.db
        registered = existing = issued = 0
        with db.begin() as conn:
            for op in self.everyone():
                try:
                    eos.get(conn, op.eori)
                    existing += 1
                    continue
                except CustomsError:
                    pass
                officer = Principal(role=Role.OFFICER, name=f"EOS {op.eori[:2]}", country=op.eori[:2], office=None)
                eos.register(conn, officer, OperatorRegistration(
                    eori=op.eori, name=op.name, established_in_union=op.established,
                    publication_consent=int(op.eori[-1]) % 3 != 0, start_date=date(2020, 1, 1),
                    address=Address(street_and_number=op.street, postcode=op.postcode or None, city=op.city,
                                    country=op.country)))
                registered += 1
        # Comprehensive guarantees (deferred payment) of the declarants, issued by the office of guarantee of
        # their member state (or Germany's where the reference data has none).
        refdata = _refdata(db)
        commission = Principal(role=Role.COMMISSION, name="simulator")
        with db.begin() as conn:
            for op in self.declarants():
                _, found = gum.list_guarantees(conn, commission, holder=op.eori)
                live = [g for g in found if g.guarantee_type == "1" and g.valid_to is None]
                if live:
                    self.grns[op.eori] = live[0].grn
                    continue
                office = next((o.reference_number for o in refdata.offices(country=op.country, role="GUA", as_of=self.start)), "DE002150")
                gua = Principal(role=Role.OFFICER, name=f"GUA {office[:2]}", country=office[:2], office=office)
                g = gum.issue(conn, gua, GuaranteeIssue(
                    guarantee_type="1", holder=op.eori, office=office,
                    reference_amount=Amount(amount=Decimal(500000000), currency="EUR"),
                    authorisation_reference=f"{office[:2]}CGU{op.eori[-8:]}", access_code=ACCESS_CODE), refdata=refdata)
                self.grns[op.eori] = g.grn
                issued += 1
        # Centralised clearance: the German representatives hold a CCL authorisation covering the Netherlands.
        authorised = 0
        de_officer = Principal(role=Role.OFFICER, name="DE CCL desk", country="DE", office=CCI_SUPERVISING)
        for op in self.declarants():
            if op.country != "DE":
                continue
            ref = f"DECCL{op.eori[-10:]}"
            self.ccl[op.eori] = ref
            try:
                imports.record_authorisation(ctx, de_officer, {"reference": ref, "holder": op.eori,
                                                               "valid_from": date(2020, 1, 1),
                                                               "countries": [CCI_PRESENTATION]})
                authorised += 1
            except CustomsError:
                pass  # recorded by an earlier run
        return {"registered": registered, "already_registered": existing, "guarantees_issued": issued,
                "guarantees": len(self.grns), "ccl_authorisations": authorised}


def _refdata(db: Any) -> Any:
    from eucustoms.refdata import RefData

    return RefData.from_db(db)
