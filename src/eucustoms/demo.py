"""``eucustoms demo`` and ``eucustoms serve``: bring the box up, populate it with a realistic cast of
operators and officers across the member states, exercise what exists, and summarise."""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import Connection

from eucustoms.core.errors import CustomsError, ErrorCode, Rejected
from eucustoms.core.identifiers import EORI, MRN, ProcedureCategory
from eucustoms.platform import telemetry
from eucustoms.platform.auth import Role, issue_token
from eucustoms.platform.bus import CENTRAL, probe
from eucustoms.platform.clitools import ADMIN, console
from eucustoms.platform.db import Database
from eucustoms.platform.db.engine import default_home
from eucustoms.platform.numbering import allocate_mrn
from eucustoms.systems.eos import service as eos
from eucustoms.systems.eos.messages import Address, Contact, OperatorRegistration
from eucustoms.union import PARTICIPATING, open_union

# (country, city, postcode, street, two operator names): a port, airport or logistics hub of each country.
CAST: list[tuple[str, str, str, str, tuple[str, str]]] = [
    ("AT", "Wien", "1030", "Erdbergstraße 200", ("Donau Spedition GmbH", "Alpenland Import AG")),
    ("BE", "Antwerpen", "2030", "Noorderlaan 147", ("Scheldt Forwarding NV", "Brabant Foods BV")),
    ("BG", "Varna", "9000", "bul. Primorski 1", ("Black Sea Shipping EOOD", "Balkan Trade OOD")),
    ("CY", "Limassol", "3045", "Franklin Roosevelt 1", ("Mediterranean Cargo Ltd", "Troodos Trading Ltd")),
    ("CZ", "Praha", "16000", "Evropská 17", ("Vltava Logistika s.r.o.", "Bohemia Glass a.s.")),
    ("DE", "Hamburg", "20457", "Am Sandtorkai 50", ("Elbe Hafen Logistik GmbH", "Rhein Maschinenbau AG")),
    ("DK", "Aarhus", "8000", "Østhavnsvej 43", ("Jutland Freight A/S", "Nordisk Møbler ApS")),
    ("EE", "Tallinn", "10111", "Sadama 25", ("Baltic Gateway OÜ", "Tallinna Kaubandus AS")),
    ("ES", "Valencia", "46024", "Avenida del Puerto 300", ("Levante Aduanas SL", "Iberia Cítricos SA")),
    ("FI", "Kotka", "48100", "Satamakatu 9", ("Kymi Cargo Oy", "Suomen Puutavara Oy")),
    ("FR", "Le Havre", "76600", "Quai de Southampton 1", ("Seine Transit SAS", "Provence Cosmétiques SA")),
    ("GR", "Piraeus", "18538", "Akti Miaouli 10", ("Aegean Forwarders SA", "Hellas Olive Oil SA")),
    ("HR", "Rijeka", "51000", "Riva 1", ("Kvarner Logistika d.o.o.", "Adria Tekstil d.d.")),
    ("HU", "Budapest", "1097", "Könyves Kálmán krt. 12", ("Duna Vámügynökség Kft.", "Pannon Elektronika Zrt.")),
    ("IE", "Dublin", "D01", "Alexandra Road 1", ("Liffey Customs Brokers Ltd", "Emerald Pharma DAC")),
    ("IT", "Genova", "16126", "Via del Molo 2", ("Ligure Spedizioni Srl", "Toscana Calzature SpA")),
    ("LT", "Klaipėda", "91249", "Nemuno g. 24", ("Kuršių Krovinių UAB", "Baltijos Baldai AB")),
    ("LU", "Luxembourg", "1360", "Rue de Trèves 10", ("Findel Air Cargo Sàrl", "Moselle Steel SA")),
    ("LV", "Rīga", "1010", "Eksporta iela 1", ("Daugava Freight SIA", "Latvijas Koks AS")),
    ("MT", "Marsaxlokk", "MXK1000", "Triq il-Port Ħieles", ("Malta Freeport Services Ltd", "Gozo Trading Ltd")),
    ("NL", "Rotterdam", "3089", "Maasvlakteweg 1", ("Maas Douane Expediteurs BV", "Holland Bloembollen BV")),
    ("PL", "Gdańsk", "80-601", "ul. Kontenerowa 7", ("Bałtyk Spedycja Sp. z o.o.", "Mazowsze Meble S.A.")),
    ("PT", "Sines", "7520-089", "Zona Industrial Ligeira 2", ("Atlântico Despachos Lda", "Douro Vinhos SA")),
    ("RO", "Constanța", "900900", "Incinta Port 1", ("Marea Neagră Logistic SRL", "Carpați Agro SA")),
    ("SE", "Göteborg", "41834", "Skandiahamnen 1", ("Kattegat Tull AB", "Svensk Stål AB")),
    ("SI", "Koper", "6000", "Vojkovo nabrežje 38", ("Luka Špedicija d.o.o.", "Alpski Les d.d.")),
    ("SK", "Bratislava", "82105", "Prístavná 10", ("Dunaj Colné Služby s.r.o.", "Tatra Automotive a.s.")),
    ("XI", "Belfast", "BT3 9AG", "Duncrue Street 1", ("Lagan Freight Ltd", "Ulster Dairies Ltd")),
]
# Operators established outside the Union get their EORI from the member state where they first lodge.
THIRD_COUNTRY_CAST = [
    ("NL", "CN", "Shenzhen", "518000", "Yantian Port Road 8", "Shenzhen Bright Electronics Co., Ltd"),
    ("DE", "US", "Newark", "07114", "1 Port Street", "Atlantic Machinery Exports Inc."),
    ("IE", "GB", "Holyhead", "LL65 1DQ", "Terminal 5", "Anglesey Ferries Ltd"),
]


def demo_eori(country: str, name: str) -> str:
    """A stable EORI for a demo operator, so that re-running the demo finds the same operators."""
    digits = str(int(hashlib.sha256(name.encode()).hexdigest(), 16))[:10]
    return str(EORI.parse(f"{country}{digits}"))


def check_token_binding(db: Database, conn: Connection, role: Role, eori: str | None,
                        office: str | None) -> tuple[str | None, str | None]:
    """A trader token needs a registered EORI, an officer token an existing customs office."""
    from eucustoms.refdata import RefData

    if role is Role.TRADER:
        if not eori:
            raise Rejected.one(ErrorCode.MISSING, "/eori", "a trader token is bound to an EORI")
        eori = eos.get(conn, eori).eori
    if role is Role.OFFICER:
        if not office:
            raise Rejected.one(ErrorCode.MISSING, "/office", "an officer token is bound to a customs office")
        office = office.strip().upper()
        if RefData.from_db(db).office(office) is None:
            raise Rejected.one(ErrorCode.CODELIST_VIOLATION, "/office", f"{office} is not in the customs office list")
    return eori, office


def _officer_office(refdata: Any, country: str) -> str | None:
    offices = refdata.offices(country=country)
    for wanted in ("DEP", "EXP", "ENT", None):
        for office in offices:
            if wanted is None or wanted in office.roles:
                return office.reference_number
    return None


def run_demo(db: Database, *, quiet: bool = False) -> dict[str, Any]:
    from eucustoms.refdata import RefData

    started = time.perf_counter()
    ctx = open_union(db=db)
    refdata = RefData.from_db(db)
    out: dict[str, Any] = {"database": db.describe()}

    # 1. Operators across the member states (idempotent: the demo EORIs are stable).
    registered, existing = 0, 0
    eoris: list[str] = []
    with db.begin() as conn:
        for country, city, postcode, street, names in CAST:
            for name in names:
                eori = demo_eori(country, name)
                eoris.append(eori)
                try:
                    eos.get(conn, eori)
                    existing += 1
                    continue
                except CustomsError:
                    pass
                eos.register(conn, ADMIN, OperatorRegistration(
                    eori=eori, name=name, address=Address(street_and_number=street, postcode=postcode, city=city, country=country),
                    established_in_union=True, contact=Contact(name="Customs desk", email=f"customs@{name.split()[0].lower()}.example"),
                    publication_consent=len(eoris) % 3 != 0,
                ))
                registered += 1
        for issuing, country, city, postcode, street, name in THIRD_COUNTRY_CAST:
            eori = demo_eori(issuing, name)
            eoris.append(eori)
            try:
                eos.get(conn, eori)
                existing += 1
            except CustomsError:
                eos.register(conn, ADMIN, OperatorRegistration(
                    eori=eori, name=name, address=Address(street_and_number=street, postcode=postcode, city=city, country=country),
                    established_in_union=False, publication_consent=True))
                registered += 1
        out["operators"] = {"registered_now": registered, "already_registered": existing,
                            "valid_by_country": eos.count_registered(conn)}

    # 2. Tokens: the Commission, one officer per participating country, one trader per operator.
    tokens: dict[str, Any] = {"commission": None, "officers": {}, "traders": {}}
    with db.begin() as conn:
        tokens["commission"], _ = issue_token(conn, role=Role.COMMISSION, name="DG TAXUD demo")
        for country in PARTICIPATING:
            office = _officer_office(refdata, country)
            if office:
                tokens["officers"][country], _ = issue_token(conn, role=Role.OFFICER, name=f"Officer {country}",
                                                             country=country, office=office)
        for eori in eoris:
            tokens["traders"][eori], _ = issue_token(conn, role=Role.TRADER, name=f"Trader {eori}", eori=eori)
    token_file = default_home() / "demo-tokens.json"
    token_file.parent.mkdir(parents=True, exist_ok=True)
    token_file.write_text(json.dumps(tokens, indent=2))
    token_file.chmod(0o600)
    out["tokens"] = {"file": str(token_file), "commission": 1, "officers": len(tokens["officers"]),
                     "traders": len(tokens["traders"])}

    # 3. MRNs from every participating country's durable sequence, one per procedure family.
    mrns: dict[str, str] = {}
    with db.begin() as conn:
        for country in PARTICIPATING:
            for category in (ProcedureCategory.IMPORT, ProcedureCategory.EXPORT, ProcedureCategory.TRANSIT,
                             ProcedureCategory.ENS, ProcedureCategory.PROOF_OF_UNION_STATUS):
                mrn = allocate_mrn(conn, country, category)
                MRN.parse(str(mrn))
                mrns.setdefault(category.name.lower(), str(mrn))
    out["mrn_examples"] = mrns

    # 4. The message exchange: every national domain probes the central domain and back.
    t0 = time.perf_counter()
    with db.begin() as conn:
        for country in PARTICIPATING:
            probe.ping(conn, ctx.bus, country, [CENTRAL], nonce="demo")
        probe.ping(conn, ctx.bus, CENTRAL, list(PARTICIPATING), nonce="demo")
    delivered = ctx.bus.drain()
    out["message_exchange"] = {"domains": len(ctx.settings["domains"]), "messages_delivered": delivered,
                               "round_trip_ms": round((time.perf_counter() - t0) * 1000, 1),
                               "pending": ctx.bus.pending()}

    # 5. Public EORI validation (DDS2-EOS), including an unknown and a malformed number.
    valid = 0
    with db.begin() as conn:
        for eori in eoris:
            valid += eos.validate_public(conn, eori).valid
        unknown = eos.validate_public(conn, "DE999999999999999")
    try:
        with db.begin() as conn:
            eos.validate_public(conn, "XX12")
    except CustomsError as exc:
        malformed = exc.message
    out["eori_validation"] = {"checked": len(eoris) + 1, "valid": valid, "unknown_is_valid": unknown.valid,
                              "malformed": malformed}

    # 6. A bad registration: every error listed, nothing stored.
    try:
        with db.begin() as conn:
            eos.register(conn, ADMIN, OperatorRegistration.model_validate({
                "name": "Broken Example GmbH",
                "address": {"street_and_number": "Teststraße 1", "city": "Köln", "country": "QQ"},
                "established_in_union": True, "vat_numbers": ["DE000000000"]}))
        out["rejection_example"] = None
    except Rejected as exc:
        out["rejection_example"] = [i.as_dict() for i in exc.issues]

    # 7. ICS2: carriers, a house filer, an express and a postal operator file their ENS; the common repository
    #    relates the parts, the member states of first entry analyse them, referrals are answered, the goods
    #    arrive and are controlled.
    out["ics2"] = _ics2_demo(ctx, db)

    # 8. The programme's monitoring: the 2024 dataset of the annual progress report, its data-quality checks,
    #    and a round of availability probes of every system and domain (for `report apr --live`).
    from eucustoms.systems.programme import probes as programme_probes
    from eucustoms.systems.programme import service as programme

    with db.begin() as conn:
        loaded = programme.load_dataset(conn, ADMIN)
    probed = programme_probes.probe_systems(ctx)

    # 9. A tenth of a thousandth of an average EU day of traffic across every system, through their services
    #    (the trade simulator: planted fraud with ground truth, a share of bad messages).
    from eucustoms.sim.runner import run_demo as simulate_day

    out["simulation"] = simulate_day(db)
    out["programme"] = {"dataset": {k: v for k, v in loaded.items() if isinstance(v, (int, str))},
                        "probes": {k: v for k, v in probed.items() if isinstance(v, (int, float, str))}}

    with db.read() as conn:
        out["telemetry"] = {
            "messages": {f"{s}/{k}": n for (s, k), n in sorted(telemetry.totals(conn, metric=telemetry.MESSAGES).items())},
            "consultations": {f"{s}/{k}": n for (s, k), n in sorted(telemetry.totals(conn, metric=telemetry.CONSULTATIONS).items())},
            "registrations": sum(telemetry.totals(conn, metric=telemetry.REGISTRATIONS).values()),
        }
    out["reference_data"] = {name: r.rows for name, r in sorted(refdata.releases.items())}
    out["seconds"] = round(time.perf_counter() - started, 2)
    return out


def _ics2_demo(ctx: Any, db: Database) -> dict[str, Any]:
    from datetime import timedelta

    from eucustoms.core.clock import now
    from eucustoms.platform.auth import Principal
    from eucustoms.systems.ics2 import nes
    from eucustoms.systems.ics2 import service as ics2
    from eucustoms.systems.ics2.messages import examples

    run = now().strftime("%y%m%d%H%M%S")
    at, issued = now() + timedelta(days=2), now()
    # Everyone who files one of the examples (carriers, a house filer, express and postal operators).
    parties = {p["declarant"]["identification_number"]: p["declarant"] for p in
               (build(at=at, issued=issued) for build in examples.BUILDERS.values())}
    traders: dict[str, Principal] = {}
    with db.begin() as conn:
        for party in parties.values():
            eori = party["identification_number"]
            try:
                eos.get(conn, eori)
            except CustomsError:
                a = party["address"]
                eos.register(conn, ADMIN, OperatorRegistration(
                    eori=eori, name=party["name"], publication_consent=True,
                    established_in_union=party["address"]["country"] in PARTICIPATING,
                    address=Address(street_and_number=" ".join(x for x in (a.get("street"), a.get("number")) if x) or a["city"],
                                    postcode=a.get("postcode"), city=a["city"], country=a["country"])))
            traders[eori] = issue_token(conn, role=Role.TRADER, name=party["name"], eori=eori)[1]

    def unique(payload: dict[str, Any], n: int) -> dict[str, Any]:
        """The examples reuse their references; each demo run gets its own LRNs and transport documents."""
        text = json.dumps(payload)
        for ref in (examples.SEA_MASTER_BL, examples.AIR_MASTER_AWB):
            text = text.replace(ref, ref[:-6] + run[-6:])
        data = json.loads(text)
        data["lrn"] = f"DEMO{run}{n:03d}"
        return data

    def lodge(payload: dict[str, Any], n: int) -> str:
        eori = payload["declarant"]["identification_number"]
        return ics2.lodge(ctx, traders[eori], payload["message_type"], unique(payload, n))["mrn"]

    filed: dict[str, str] = {}
    rejected = None
    builders = [(mt, b) for mt, b in examples.BUILDERS.items() if mt not in ("IE3F12", "IE3F15")]
    for n, (mt, build) in enumerate(builders):
        try:
            filed[mt] = lodge(build(at=at, issued=issued), n)
        except CustomsError as exc:  # an example that does not pass is a finding worth showing, not a crash
            rejected = {"message_type": mt, "errors": getattr(exc, "issues", [])[:3] and [i.as_dict() for i in exc.issues[:3]]}
    filed["IE3F12"] = lodge(examples.sea_f12(at=at, issued=issued), 90)
    filed["IE3F15"] = lodge(examples.sea_f15(at=at, issued=issued), 91)
    risky = examples.air_f26(at=at, issued=issued)
    risky["consignment"]["house_consignments"][0]["goods_items"][0]["description_of_goods"] = "Electric detonators"
    filed["IE3F26 (RFS)"] = lodge(risky, 92)
    ctx.bus.drain()

    airline = traders[examples.AIRLINE["identification_number"]]
    answered = 0
    for ref in ics2.referrals_for(ctx, airline):
        ics2.answer_referral(ctx, airline, ref["id"], {"screening_methods": ["XRY", "EDS"], "result": "no_threat"})
        answered += 1
    ctx.bus.drain()

    carrier = traders[examples.OCEAN_CARRIER["identification_number"]]
    sea = filed.get("IE3F11")
    controlled = None
    if sea:
        ics2.notify_arrival(ctx, carrier, [sea])
        ctx.bus.drain()
        country = ics2.consult(ctx, ADMIN, sea)["country"]
        office = next((o.reference_number for o in __import__("eucustoms.refdata", fromlist=["RefData"])
                       .RefData.from_db(db).offices(country=country, role="ENT")), None)
        officer = Principal(role=Role.OFFICER, name=f"Officer {country}", country=country, office=office)
        nes.present(ctx, officer, sea)
        nes.record_control(ctx, officer, sea, {"control_type": "physical", "result": "no_irregularity"})
        ctx.bus.drain()
        controlled = sea
    states: dict[str, int] = {}
    for label, mrn in filed.items():
        state = ics2.consult(ctx, ADMIN, mrn)["state"]
        states[state] = states.get(state, 0) + 1
    return {"filed": filed, "states": states, "referrals_answered": answered, "controlled": controlled,
            "rejected_example": rejected}


def print_summary(summary: dict[str, Any], con: Console | None = None) -> None:
    con = con or console
    con.rule("[bold]eucustoms demo[/bold]")
    con.print(f"database: {summary['database']}")
    t = Table(title="Reference data", show_header=True)
    t.add_column("dataset")
    t.add_column("entries", justify="right")
    for name, n in summary["reference_data"].items():
        t.add_row(name, f"{n:,}")
    con.print(t)
    ops = summary["operators"]
    con.print(f"economic operators (EOS): {ops['registered_now']} registered now, {ops['already_registered']} already there; "
              "valid EORIs by issuing country: " + ", ".join(f"{c} {n}" for c, n in sorted(ops["valid_by_country"].items())))
    tk = summary["tokens"]
    con.print(f"tokens: 1 Commission, {tk['officers']} officers (one per country), {tk['traders']} traders → {tk['file']}")
    con.print("MRN examples: " + ", ".join(f"{k} {v}" for k, v in summary["mrn_examples"].items()))
    mx = summary["message_exchange"]
    con.print(f"message exchange: {mx['domains']} domains, {mx['messages_delivered']} messages delivered in {mx['round_trip_ms']} ms, {mx['pending']} pending")
    ev = summary["eori_validation"]
    con.print(f"EORI validation: {ev['valid']}/{ev['checked']} valid; malformed input → {ev['malformed']}")
    if summary.get("rejection_example"):
        t = Table(title="A rejected registration lists every error")
        for col in ("code", "pointer", "reason"):
            t.add_column(col)
        for i in summary["rejection_example"]:
            t.add_row(i["code"], i["pointer"], i["reason"])
        con.print(t)
    ic = summary.get("ics2")
    if ic:
        con.print(f"ICS2: {len(ic['filed'])} ENS filed ({', '.join(ic['filed'])}); states: "
                  + ", ".join(f"{k} {v}" for k, v in sorted(ic["states"].items()))
                  + f"; {ic['referrals_answered']} referral(s) answered; arrival, presentation and control of {ic['controlled']}")
    if summary.get("simulation"):
        from eucustoms.sim.cli import print_summary as print_simulation

        print_simulation(summary["simulation"])
    t = Table(title="Telemetry (feeds the programme indicators)")
    t.add_column("counter")
    t.add_column("count", justify="right")
    for kind in ("messages", "consultations"):
        for k, n in summary["telemetry"][kind].items():
            t.add_row(f"{kind}: {k}", f"{n:,}")
    t.add_row("registrations", str(summary["telemetry"]["registrations"]))
    con.print(t)
    con.print(f"done in {summary['seconds']} s")


def serve_forever(host: str, port: int) -> None:
    import uvicorn

    from eucustoms.app import create_app
    from eucustoms.platform.clitools import database

    db = database()
    ctx = open_union(db=db)
    console.print(f"serving the API on http://{host}:{port} (OpenAPI at /docs); Ctrl-C stops")
    uvicorn.run(create_app(ctx), host=host, port=port, log_level="warning")
