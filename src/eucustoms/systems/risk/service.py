"""Risk management use cases for the other systems.

* :func:`central_analysis` — the Safety and Security Analytics (SSA) of the central domain: EU-level
  features of each consignment from what all member states have seen (the same party entering through
  several member states, many names at one address, earlier findings elsewhere), the analytics model's
  score when one is trained, and the resulting risk signals with the rule or model that raised them.
* :func:`national_assessment` — the risk analysis of a member state: the common risk criteria plus the
  signals received, giving the outcome (referral, do-not-load, control recommended or nothing).
* :func:`record_control_result` — a member state's control result, which labels the consignment for training.
"""

from __future__ import annotations

import copy
import math
import re
import threading
from collections import OrderedDict
from datetime import date
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql

from eucustoms.core.clock import now
from eucustoms.platform import telemetry

from . import SYSTEM
from .criteria import Facts, RuleBook, facts_from_dict, shipped_rulebook
from .store import risk_assessment, risk_entity, risk_model

MODE_CODES = {"sea": 1, "rail": 2, "road": 3, "air": 4, "post": 5, "fixed_installation": 7,
              "inland_waterway": 8, "own_propulsion": 9}
ENTITY_KINDS = ("consignee", "consignor", "address", "route", "hs4", "declarant")
FEATURES: tuple[str, ...] = (
    "mode", "items", "log_gross_mass", "log_mass_per_item",
    *(f"{k}_{m}" for k in ENTITY_KINDS for m in ("filings", "countries", "controls", "positive_rate")),
    "address_names",
)
PRIOR_RATE, PRIOR_WEIGHT = 0.05, 5.0
NETWORK_COUNTRIES = 3  # a party seen entering through this many member states is an EU-level signal
ADDRESS_NAMES = 3  # this many different consignee names at one address

_lock = threading.Lock()
_rulebook: RuleBook | None = None
_models: dict[str, Any] = {}


def rulebook() -> RuleBook:
    """The common risk criteria in force (the shipped rule sets), loaded once per process."""
    global _rulebook
    with _lock:
        if _rulebook is None:
            _rulebook = shipped_rulebook()
        return _rulebook


_parsed: OrderedDict[str, tuple[dict[str, Any], Facts]] = OrderedDict()
_PARSED_KEPT = 4096


def facts(data: dict[str, Any]) -> Facts:
    """``data`` as :class:`Facts`. A consignment is parsed once for the central analysis and once more for the
    member state's (from the message): the last few thousand parsed are kept by reference and reused when the
    data is equal (Facts are immutable)."""
    ref = data.get("reference") if isinstance(data, dict) else None
    if not isinstance(ref, str):
        return facts_from_dict(data)
    with _lock:
        hit = _parsed.get(ref)
    if hit is not None and hit[0] == data:
        return hit[1]
    parsed = facts_from_dict(data)
    with _lock:
        _parsed[ref] = (copy.deepcopy(data), parsed)
        _parsed.move_to_end(ref)
        while len(_parsed) > _PARSED_KEPT:
            _parsed.popitem(last=False)
    return parsed


# -- EU-level entity history ----------------------------------------------------------------------------------

def _norm(text: str | None) -> str:
    return re.sub(r"[^0-9A-Z]+", " ", (text or "").upper()).strip()


def _party_key(f: Facts, role: str) -> str | None:
    p = f.parties.get(role)
    if p is None:
        return None
    if p.id:
        return p.id
    return f"{_norm(p.name)}|{p.country or ''}" if p.name else None


def entity_keys(f: Facts) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {k: [] for k in ENTITY_KINDS}
    for role in ("consignee", "consignor", "declarant"):
        k = _party_key(f, role)
        if k:
            keys[role].append(k)
    address = f.attributes.get("consignee_address") if f.attributes else None
    if address:
        keys["address"].append(_norm(str(address)))
    c = f.countries
    if c.dispatch or c.first_entry:
        keys["route"].append(f"{c.dispatch or '?'}>{c.first_entry or '?'}")
    keys["hs4"] = sorted({i.hs4 for i in f.items if i.hs4})
    return keys


# Built once: building a statement costs more than executing it.
_e = risk_entity
# (kind IN ... AND key IN ...), filtered after: a row-value IN (VALUES ...) is not looked up in the primary key
# by SQLite, it scans the table.
_ENTITIES = (select(_e).where(_e.c.kind.in_(bindparam("kinds", expanding=True)),
                              _e.c.key.in_(bindparam("keys", expanding=True)))
             .order_by(_e.c.kind, _e.c.key))
_ENTITIES_LOCKED = _ENTITIES.with_for_update()
_PLACEHOLDERS = postgresql.insert(_e).on_conflict_do_nothing(index_elements=["kind", "key"])
_ENTITY_WRITE = update(_e).where(_e.c.kind == bindparam("b_kind"), _e.c.key == bindparam("b_key")).values(
    first_seen=bindparam("b_first_seen"), last_seen=bindparam("b_last_seen"), filings=bindparam("b_filings"),
    countries=bindparam("b_countries"), names=bindparam("b_names"))
_ASSESSED = select(risk_assessment.c.reference).where(
    risk_assessment.c.reference.in_(bindparam("refs", expanding=True)))
_ASSESS = insert(risk_assessment)
_ACTIVE_MODEL = (select(risk_model).where(risk_model.c.kind == bindparam("kind"), risk_model.c.active.is_(True))
                 .order_by(risk_model.c.trained_at.desc()).limit(1))
_CHUNK = 400  # pairs per look-up (two parameters each, far below every database's limit)


def _stats(conn: Connection, wanted: dict[str, set[str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """The history of the ``wanted`` entities (kind → keys) that have one."""
    return _entity_history(conn, sorted((kind, k) for kind, keys in wanted.items() for k in keys), lock=False)


def _entity_history(conn: Connection, pairs: list[tuple[str, str]], *, lock: bool,
                    day: date | None = None) -> dict[tuple[str, str], dict[str, Any]]:
    """``(kind, key)`` → the entity's history row, for those that have one.

    With ``lock`` the rows are held until the transaction ends, so that two analyses of the same entity at
    once add up instead of one overwriting the other: on PostgreSQL every entity gets a row first (an empty
    placeholder, ``filings`` 0, for the new ones, which counts as no history) and the rows are locked in key
    order (no deadlock between analyses); SQLite's writer holds the whole database already."""
    if lock and pairs and conn.dialect.name == "postgresql":
        conn.execute(_PLACEHOLDERS, [{"kind": kind, "key": k, "first_seen": day, "last_seen": day, "filings": 0,
                                     "countries": [], "names": [], "controls": 0, "positives": 0}
                                    for kind, k in pairs])
    query = _ENTITIES_LOCKED if lock and conn.dialect.name == "postgresql" else _ENTITIES
    out: dict[tuple[str, str], dict[str, Any]] = {}
    wanted = set(pairs)
    for start in range(0, len(pairs), _CHUNK):
        chunk = pairs[start:start + _CHUNK]
        params = {"kinds": sorted({kind for kind, _ in chunk}), "keys": sorted({k for _, k in chunk})}
        for r in conn.execute(query, params).mappings():
            if (r["kind"], r["key"]) in wanted and r["filings"] > 0:
                out[(r["kind"], r["key"])] = dict(r)
    return out


def _rate(s: dict[str, Any] | None) -> float:
    if not s:
        return PRIOR_RATE
    return (s["positives"] + PRIOR_RATE * PRIOR_WEIGHT) / (s["controls"] + PRIOR_WEIGHT)


def features_of(f: Facts, keys: dict[str, list[str]], stats: dict[tuple[str, str], dict[str, Any]]) -> dict[str, float]:
    mass = float(f.totals.gross_mass_kg or 0)
    items = len(f.items)
    out: dict[str, float] = {
        "mode": float(MODE_CODES.get(f.mode or "", 0)), "items": float(items),
        "log_gross_mass": math.log1p(mass), "log_mass_per_item": math.log1p(mass / items) if items else 0.0,
    }
    for kind in ENTITY_KINDS:
        found = [stats.get((kind, k)) for k in keys.get(kind, [])]
        found = [s for s in found if s]
        out[f"{kind}_filings"] = float(max((s["filings"] for s in found), default=0))
        out[f"{kind}_countries"] = float(max((len(s["countries"]) for s in found), default=0))
        out[f"{kind}_controls"] = float(max((s["controls"] for s in found), default=0))
        out[f"{kind}_positive_rate"] = max((_rate(s) for s in found), default=PRIOR_RATE)
    addr = [stats.get(("address", k)) for k in keys.get("address", [])]
    out["address_names"] = float(max((len(s["names"]) for s in addr if s), default=0))
    return out


def _remember(f: Facts, keys: dict[str, list[str]], stats: dict, country: str, day: date,
              touched: dict[tuple[str, str], dict[str, Any]]) -> None:
    """Add ``f`` to the history of its entities in ``stats`` (in memory); ``touched`` collects what to write."""
    consignee = f.parties.get("consignee")
    name = _norm(consignee.name) if consignee is not None and consignee.name else None
    for kind, ks in keys.items():
        for k in ks:
            s = stats.get((kind, k))
            if s is None:
                s = {"kind": kind, "key": k, "first_seen": day, "last_seen": day, "filings": 1,
                     "countries": [country] if country else [], "names": [name] if (kind == "address" and name) else [],
                     "controls": 0, "positives": 0}
                stats[(kind, k)] = s
            else:
                s["filings"] += 1
                s["last_seen"] = day
                if country and country not in s["countries"]:
                    s["countries"] = sorted({*s["countries"], country})
                if kind == "address" and name and name not in s["names"]:
                    s["names"] = sorted({*s["names"], name})[:50]
            touched[(kind, k)] = s


def _write_history(conn: Connection, touched: dict[tuple[str, str], dict[str, Any]], existing: set) -> None:
    """Store the entities' new history: one statement for the new ones, one for the others."""
    fresh = [s for pair, s in touched.items() if pair not in existing]
    if fresh and conn.dialect.name == "postgresql":  # their placeholder rows exist: fill them
        existing = existing | {(s["kind"], s["key"]) for s in fresh}
        fresh = []
    if fresh:
        conn.execute(insert(risk_entity), [dict(s) for s in fresh])
    changed = [{"b_kind": s["kind"], "b_key": s["key"], "b_first_seen": s["first_seen"], "b_last_seen": s["last_seen"],
                "b_filings": s["filings"], "b_countries": s["countries"], "b_names": s["names"]}
               for pair, s in touched.items() if pair in existing]
    if changed:
        conn.execute(_ENTITY_WRITE, changed)


# -- the model ----------------------------------------------------------------------------------------------

def active_model(conn: Connection, kind: str = "ssa") -> Any | None:
    """The trained model in force (loaded once per file), or None when none was trained yet."""
    row = conn.execute(_ACTIVE_MODEL, {"kind": kind}).mappings().first()
    if row is None or not Path(row["path"]).exists():
        return None
    with _lock:
        model = _models.get(row["path"])
        if model is None:
            from .ssa_model import SsaModel

            model = _models[row["path"]] = SsaModel.load(row["path"], version=row["version"], metrics=row["metrics"])
    return model


# -- central analysis (SSA) ----------------------------------------------------------------------------------

def central_analysis(conn: Connection, facts_list: Iterable[dict[str, Any]], *, country: str,
                     counts: list | None = None) -> list[dict[str, Any]]:
    """Score each consignment with EU-level features; return the risk signals raised (each names its source
    rule or model, the reference it is about, and the member states concerned).

    The signals are counted in the telemetry in the same transaction; a caller that counts other things too may
    pass ``counts`` to collect them and add everything with one :func:`telemetry.count_many`."""
    return central_analyses(conn, [(list(facts_list), country)], counts=counts)[0]


def central_analyses(conn: Connection, batches: list[tuple[list[dict[str, Any]], str]], *,
                     counts: list | None = None) -> list[list[dict[str, Any]]]:
    """:func:`central_analysis` of several batches of consignments, each with its member state, with the
    effect of analysing them one batch after the other (each batch sees the history the ones before it
    added), but the entity history read and written once. Returns the signals of each batch."""
    parsed_batches = [[(d, facts(d)) for d in facts_list] for facts_list, _ in batches]
    if not any(parsed_batches):
        return [[] for _ in batches]
    keys = {d["reference"]: entity_keys(f) for parsed in parsed_batches for d, f in parsed}
    pairs = sorted({(kind, k) for ks in keys.values() for kind, values in ks.items() for k in values})
    day = now().date()
    stats = _entity_history(conn, pairs, lock=True, day=day)
    existing = set(stats)
    model = active_model(conn)
    rows: dict[str, dict[str, Any]] = {}
    touched: dict[tuple[str, str], dict[str, Any]] = {}
    out: list[list[dict[str, Any]]] = []
    for parsed, (_, country) in zip(parsed_batches, batches):
        signals: list[dict[str, Any]] = []
        out.append(signals)
        if not parsed:
            continue
        moment = now()
        feats = {d["reference"]: features_of(f, keys[d["reference"]], stats) for d, f in parsed}
        scores = model.score([feats[d["reference"]] for d, _ in parsed]) if model is not None else [None] * len(parsed)
        for (d, f), score in zip(parsed, scores):
            ref = d["reference"]
            sigs = _signals(ref, f, keys[ref], stats, country, score, model)
            signals.extend(sigs)
            rows[ref] = {"reference": ref, "subject": ref.split("/")[0], "kind": f.kind, "country": country,
                         "scored_at": moment, "day": moment.date(), "features": feats[ref],
                         "score": float(score) if score is not None else None,
                         "model_version": model.version if model is not None else None, "signals": sigs,
                         "entities": keys[ref]}
            _remember(f, keys[ref], stats, country, moment.date(), touched)
    _write_history(conn, touched, existing)
    refs = list(rows)
    scored: set[str] = set()
    for start in range(0, len(refs), 500):
        scored.update(conn.execute(_ASSESSED, {"refs": refs[start:start + 500]}).scalars())
    fresh = [r for ref, r in rows.items() if ref not in scored]
    if fresh:
        conn.execute(_ASSESS, fresh)
    for ref, r in rows.items():
        if ref in scored:  # re-analysis after an amendment: the newest features count
            conn.execute(update(risk_assessment).where(risk_assessment.c.reference == ref)
                         .values({k: v for k, v in r.items() if k != "reference"}))
    keys_counted = [(SYSTEM, "signals", s["source"].split("-v")[0]) for signals in out for s in signals]
    if counts is None:
        telemetry.count_many(conn, keys_counted)
    else:
        counts.extend(keys_counted)
    return out


def _signals(ref: str, f: Facts, keys: dict[str, list[str]], stats: dict, country: str, score: float | None,
             model: Any) -> list[dict[str, Any]]:
    out = []
    for role in ("consignee", "consignor"):
        for k in keys.get(role, []):
            s = stats.get((role, k))
            if s and len(set(s["countries"]) | {country}) >= NETWORK_COUNTRIES:
                out.append({"reference": ref, "source": "SSA-NET-001", "score": None,
                            "reason": f"the {role} {k} entered the Union through {len(set(s['countries']) | {country})} member states "
                                      f"({', '.join(sorted(set(s['countries']) | {country}))})",
                            "concerned": sorted(set(s["countries"]) - {country})})
            if s and s["positives"] > 0:
                out.append({"reference": ref, "source": "SSA-NET-003", "score": None,
                            "reason": f"the {role} {k} had {s['positives']} positive control result(s) in the Union",
                            "concerned": sorted(set(s["countries"]) - {country})})
    for k in keys.get("address", []):
        s = stats.get(("address", k))
        consignee = f.parties.get("consignee")
        names = set(s["names"]) if s else set()
        if consignee is not None and consignee.name:
            names.add(_norm(consignee.name))
        if s and len(names) >= ADDRESS_NAMES:
            out.append({"reference": ref, "source": "SSA-NET-002", "score": None,
                        "reason": f"{len(names)} different consignees share the address {k}",
                        "concerned": sorted(set(s["countries"]) - {country})})
    if score is not None and model is not None and score >= model.threshold:
        out.append({"reference": ref, "source": f"SSA-MODEL:{model.version}", "score": round(float(score), 4),
                    "reason": f"analytics model score {score:.3f} ≥ threshold {model.threshold:.3f}", "concerned": []})
    return out


# -- national analysis -------------------------------------------------------------------------------------

_REFERRAL_ORDER = {"DNL": 3, "RFS": 2, "RFI": 1}
_CONTROL_ACTIONS = {"document_check", "scan", "physical", "screen"}


def national_assessment(conn: Connection, country: str, facts_list: Iterable[dict[str, Any]],
                        signals: Iterable[dict[str, Any]], *, as_of: date | None = None,
                        answers: dict[str, dict[str, Any]] | None = None,
                        counts: list | None = None) -> dict[str, dict[str, Any]]:
    """The member state's risk analysis of each consignment (keyed by reference): the common risk criteria
    that hit, the signals received, and the outcome. ``answers`` are the traders' answers to referrals
    (by MRN): an answered RFI is cleared; an RFS whose screening found a threat becomes do-not-load. The rules
    that hit are counted in the telemetry (or appended to ``counts``, see :func:`central_analysis`)."""
    book = rulebook()
    day = as_of or now().date()  # the criteria in force when the analysis runs
    by_ref: dict[str, list[dict[str, Any]]] = {}
    for s in signals:
        by_ref.setdefault(s["reference"], []).append(s)
    out: dict[str, dict[str, Any]] = {}
    for d in facts_list:
        f = facts(d)
        hits = [h.as_dict() for h in book.evaluate(f, as_of=day)]
        referral = None
        for h in hits:
            r = h["outcome"].get("referral")
            if r and (referral is None or _REFERRAL_ORDER[r] > _REFERRAL_ORDER[referral]):
                referral = r
        mrn = d["reference"].split("/")[0]
        answer = (answers or {}).get(mrn)
        if answer is not None and referral in ("RFI", "RFS"):
            if answer.get("kind") == "RFS" and answer.get("result") == "threat":
                referral = "DNL"
            else:
                referral = None
        control = bool(by_ref.get(d["reference"])) or any(h["outcome"]["action"] in _CONTROL_ACTIONS for h in hits)
        out[d["reference"]] = {
            "outcome": referral or "none", "control_recommended": control, "hits": hits,
            "signals": by_ref.get(d["reference"], []),
            "reasons": [f"{h['rule_id']}: {h['explanation'] or h['title']}" for h in hits]
                       + [f"{s['source']}: {s['reason']}" for s in by_ref.get(d["reference"], [])],
        }
    hit_keys = [(SYSTEM, "crc_hits", h["rule_id"]) for r in out.values() for h in r["hits"]]
    if counts is None:
        telemetry.count_many(conn, hit_keys)
    else:
        counts.extend(hit_keys)
    return out


# -- control results ----------------------------------------------------------------------------------------

POSITIVE_RESULTS = {"irregularity", "seizure"}


def record_control_result(conn: Connection, references: Iterable[str], *, country: str, result: dict[str, Any]) -> int:
    """Label the consignments a member state controlled (1 = irregularity or seizure, 0 = nothing found) and
    add the result to the history of the entities involved. Returns how many consignments were labelled."""
    label = 1 if result.get("result") in POSITIVE_RESULTS else 0
    critical = bool(result.get("critical")) or (result.get("result") == "seizure" and result.get("risk_type") == "safety_security")
    refs = list(references)
    labelled = 0
    for ref in refs:
        row = conn.execute(select(risk_assessment).where(risk_assessment.c.reference == ref)).mappings().first()
        if row is None:
            continue
        first_label = row["label"] is None
        conn.execute(update(risk_assessment).where(risk_assessment.c.reference == ref).values(
            label=label, critical=critical, labelled_at=now(), labelled_by=country))
        labelled += 1
        if not first_label:
            continue  # a corrected result does not count the control twice in the history
        for kind, keys in (row["entities"] or {}).items():
            for k in keys:
                conn.execute(update(risk_entity).where(risk_entity.c.kind == kind, risk_entity.c.key == k).values(
                    controls=risk_entity.c.controls + 1, positives=risk_entity.c.positives + label))
    telemetry.count(conn, SYSTEM, "control_results", "positive" if label else "negative", n=labelled)
    return labelled
