"""Data-quality checks of the monitoring data, run before a report is published.

Each check has an id, looks at one kind of arithmetic the report's figures must respect, and returns an
:class:`Outcome` per thing it looked at: passed, a finding (with the figures that disagree), or skipped (with why).
Findings have a severity:

* ``discrepancy``: the figures disagree by more than their printed rounding allows;
* ``rounding``: they disagree by less than one unit of the last printed digit (e.g. a truncated percentage);
* ``labelling``: an indicator's printed id is wrong or repeated;
* ``unverifiable``: a statement compares with a figure the data does not hold (e.g. "above the target" with no
  target stated anywhere).

The allowed difference follows from how the figures are printed: a percentage printed with two decimals may be
0.005 away from its exact value, a count printed in full is exact, a figure printed "16.467 billion" is known to half
a million (see :class:`~.model.Figure`). Nothing is "fixed": the checks only report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Iterable, Iterator
from urllib.parse import parse_qsl

from .model import (
    Claim,
    Dataset,
    Figure,
    Indicator,
    Item,
    Result,
    count_register,
    fmt,
    indicator_id,
    register_matches,
    short_id,
    truncate,
)

PASSED, FINDING, SKIPPED = "passed", "finding", "skipped"
DISCREPANCY, ROUNDING, LABELLING, UNVERIFIABLE = "discrepancy", "rounding", "labelling", "unverifiable"
SEVERITIES = (DISCREPANCY, ROUNDING, LABELLING, UNVERIFIABLE)
HUNDRED = Decimal(100)


@dataclass
class Outcome:
    check: str
    subject: str
    status: str
    message: str
    severity: str | None = None
    figures: dict[str, str] = field(default_factory=dict)
    where: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"check": self.check, "subject": self.subject, "status": self.status, "severity": self.severity,
                "message": self.message, "figures": self.figures, "where": self.where}


@dataclass(frozen=True)
class Val:
    """A figure taking part in a check: its value, how far off rounding may have put it, how it is printed."""

    value: Decimal
    error: Decimal
    text: str
    ulp: Decimal
    where: str = ""
    qualifier: str = "exact"

    @classmethod
    def of(cls, fig: Figure) -> "Val":
        return cls(fig.value, fig.error, fig.show(), fig.ulp, fig.where, fig.qualifier)

    @classmethod
    def exact(cls, value: Decimal, text: str | None = None, where: str = "") -> "Val":
        return cls(value, Decimal(0), text or fmt(value), Decimal(1), where)


def compare(stated: Val, computed: Val) -> tuple[str, str | None, Decimal]:
    """``(status, severity, difference)`` of a stated figure against what it should be. Within both figures'
    rounding: passed. A figure stated as "more than" passes when the other is at least that. Off by less than one
    unit of the stated figure's last digit (a truncation rather than a rounding): a rounding finding."""
    diff = stated.value - computed.value
    if stated.qualifier == "more_than":
        return (PASSED, None, diff) if computed.value >= stated.value - computed.error else (FINDING, DISCREPANCY, diff)
    if computed.qualifier == "more_than":
        return (PASSED, None, diff) if stated.value >= computed.value - stated.error else (FINDING, DISCREPANCY, diff)
    allowed = stated.error + computed.error
    if abs(diff) <= allowed + Decimal("1e-9"):
        return PASSED, None, diff
    ulp = stated.ulp if stated.error else Decimal(0)
    if ulp and (abs(diff) < ulp + computed.error or truncate(computed.value, ulp) == stated.value):
        return FINDING, ROUNDING, diff
    return FINDING, DISCREPANCY, diff


def _line(source: dict[str, Any] | None, fallback: int | None = None) -> list[str]:
    line = (source or {}).get("line") or fallback
    return [f"line {line}"] if line else []


# -- resolving references ----------------------------------------------------------------------------------------

class Resolver:
    """Turns references of the relations into values: ``"OP 2.1 sub-indicator 2"``, ``"…#format/physical"``,
    ``"…#rex_country"`` (a dimension's printed total), ``"fact:key"``, ``"budget:category"``,
    ``"register:it_projects?phase=initiating"``, and sums of them (``"a + b"``)."""

    def __init__(self, ds: Dataset):
        self.ds = ds

    def __call__(self, ref: str) -> Val | None:
        parts = [p.strip() for p in ref.split(" + ")]
        if len(parts) > 1:
            vals = [self(p) for p in parts]
            if any(v is None for v in vals):
                return None
            total = sum((v.value for v in vals), Decimal(0))  # type: ignore[union-attr]
            error = sum((v.error for v in vals), Decimal(0))  # type: ignore[union-attr]
            return Val(total, error, " + ".join(v.text for v in vals) + f" = {fmt(total)}",  # type: ignore[union-attr]
                       min(v.ulp for v in vals), ref)  # type: ignore[union-attr]
        return self.one(ref)

    def one(self, ref: str) -> Val | None:
        ds = self.ds
        if ref.startswith("fact:"):
            f = ds.facts.get(ref[5:])
            if f is None or f.value is None:
                return None
            return Val.of(Figure(f.value, f.printed, f.unit, f.qualifier, ref))
        if ref.startswith("budget:"):
            line = next((b for b in ds.budget if b.category == ref[7:]), None)
            return None if line is None else Val.of(Figure(line.amount, line.printed, "EUR", where=ref))
        if ref.startswith("register:"):
            name, _, query = ref[9:].partition("?")
            entries = ds.registers.get(name)
            if entries is None:
                return None
            n = count_register(entries, dict(parse_qsl(query)))
            return Val.exact(Decimal(n), f"{n} in the register", ref)
        ident, _, path = ref.partition("#")
        ident = indicator_id(ident)
        res = ds.result(ident)
        ind = ds.indicators.get(ident)
        if res is None or ind is None:
            return None
        if not path:
            if res.value is None:
                return None
            return Val.of(Figure(res.value, res.printed, ind.unit, where=ref))
        dim, _, key = path.partition("/")
        if not key:
            d = res.dimension(dim)
            if d is None or not d.total:
                return None
            return Val.of(Figure(Decimal(str(d.total["value"])), str(d.total.get("printed", "")), ind.unit, where=ref))
        item = res.item(dim, key)
        if item is None or item.value is None:
            return None
        return Val.of(Figure(item.value, item.printed, item.unit or ind.unit, where=ref))


# -- the checks --------------------------------------------------------------------------------------------------

class Check:
    id = ""
    title = ""
    description = ""

    def run(self, ds: Dataset) -> Iterator[Outcome]:  # pragma: no cover - abstract
        raise NotImplementedError

    def outcome(self, subject: str, status: str, message: str, severity: str | None = None,
                figures: dict[str, Any] | None = None, where: list[str] | None = None) -> Outcome:
        return Outcome(self.id, subject, status, message, severity,
                       {k: (fmt(v) if isinstance(v, Decimal) else str(v)) for k, v in (figures or {}).items()},
                       where or [])


def _top_items(res: Result, dimension: str) -> list[Item]:
    return [i for i in res.items_of(dimension) if i.parent is None]


def _item_val(item: Item, ind: Indicator, res: Result) -> Val | None:
    fig = item.figure(ind.unit, f"{ind.id}#{item.dimension}/{item.key}")
    return None if fig is None else Val.of(fig)


def _total_val(res: Result, ind: Indicator, dim_name: str) -> Val | None:
    d = res.dimension(dim_name)
    if d and d.total:
        return Val.of(Figure(Decimal(str(d.total["value"])), str(d.total.get("printed", "")), ind.unit,
                             where=f"{ind.id}#{dim_name}"))
    if res.value is None:
        return None
    return Val.of(Figure(res.value, res.printed, ind.unit, where=ind.id))


class BreakdownSum(Check):
    id = "BREAKDOWN_SUM"
    title = "Breakdowns add up to their total"
    description = ("The parts of every additive breakdown add up to the total printed for it (the indicator's value "
                   "or the breakdown's own total); parts of an overlapping breakdown (an action counted in several "
                   "areas) are each at most the total and together at least it; shares add up to 100%.")

    def run(self, ds: Dataset) -> Iterator[Outcome]:
        for ident, res in sorted(ds.results.items()):
            ind = ds.indicators.get(ident)
            if ind is None:
                continue
            for d in res.dimensions:
                subject = f"{short_id(ident)} by {d.name}"
                items = _top_items(res, d.name)
                if d.aggregate in ("sum", "overlap", "shares"):
                    vals = [_item_val(i, ind, res) for i in items]
                    if not vals or any(v is None for v in vals):
                        yield self.outcome(subject, SKIPPED, "a part has no value")
                        continue
                    parts: list[Val] = vals  # type: ignore[assignment]
                    total_parts = sum((v.value for v in parts), Decimal(0))
                    error = sum((v.error for v in parts), Decimal(0))
                    where = _line(res.source) + sorted({f"line {i.line}" for i in items if i.line} - set(_line(res.source)))
                    if d.aggregate == "shares":
                        yield from self._shares(subject, parts, total_parts, error, where)
                        continue
                    total = _total_val(res, ind, d.name)
                    if total is None:
                        yield self.outcome(subject, SKIPPED, f"no total is printed (the parts add up to {fmt(total_parts)})")
                        continue
                    if d.aggregate == "overlap":
                        yield from self._overlap(subject, parts, total, total_parts, where)
                        continue
                    status, severity, diff = compare(total, Val(total_parts, error, fmt(total_parts), Decimal(1)))
                    sum_text = " + ".join(v.text for v in parts)
                    msg = (f"the parts add up to {fmt(total_parts)}, the total printed is {total.text}"
                           + (f" (difference {fmt(abs(diff))})" if status != PASSED else ""))
                    yield self.outcome(subject, status, msg, severity,
                                       {"total printed": total.text, "sum of the parts": total_parts,
                                        "difference": diff, "parts": sum_text}, where)
                    shares = [i for i in items if i.share is not None]
                    if shares:
                        yield from self._shares(f"{subject} (shares)",
                                                [Val.of(Figure(i.share, i.share_printed or "", "%")) for i in shares],  # type: ignore[arg-type]
                                                sum((i.share for i in shares), Decimal(0)),  # type: ignore[misc]
                                                sum((Val.of(Figure(i.share, i.share_printed or "", "%")).error for i in shares), Decimal(0)),  # type: ignore[arg-type]
                                                where)
                elif d.aggregate == "subset":
                    yield self.outcome(subject, SKIPPED, "the breakdown lists a subset: it is not expected to add up"
                                       + (f" ({d.read})" if d.read else ""))
                elif d.aggregate == "none" and items and all(i.value is not None for i in items) and res.value is not None:
                    total = sum((i.value for i in items), Decimal(0))  # type: ignore[misc]
                    yield self.outcome(subject, SKIPPED, f"not an additive breakdown (its parts add up to {fmt(total)}; "
                                       f"the indicator's value is {res.printed})" + (f": {d.read}" if d.read else ""))

    def _shares(self, subject: str, parts: list[Val], total: Decimal, error: Decimal, where: list[str]) -> Iterator[Outcome]:
        status, severity, diff = compare(Val(HUNDRED, Decimal(0), "100%", Decimal(1)), Val(total, error, fmt(total), Decimal(1)))
        yield self.outcome(subject, status, f"the shares add up to {fmt(total)}%"
                           + ("" if status == PASSED else f", not 100% ({fmt(total - HUNDRED)} points off)"), severity,
                           {"sum of the shares": f"{fmt(total)}%", "shares": " + ".join(v.text for v in parts)}, where)

    def _overlap(self, subject: str, parts: list[Val], total: Val, total_parts: Decimal, where: list[str]) -> Iterator[Outcome]:
        biggest = max(parts, key=lambda v: v.value)
        problems = []
        if biggest.value > total.value:
            problems.append(f"the part {biggest.text} is more than the total {total.text}")
        if total_parts < total.value:
            problems.append(f"the parts add up to {fmt(total_parts)}, less than the total {total.text}: some counted item has no area")
        if problems:
            yield self.outcome(subject, FINDING, "; ".join(problems), DISCREPANCY,
                               {"total printed": total.text, "sum of the parts": total_parts, "largest part": biggest.text}, where)
        else:
            yield self.outcome(subject, PASSED, f"overlapping parts (sum {fmt(total_parts)}) are consistent with the total {total.text}",
                               figures={"total printed": total.text, "sum of the parts": total_parts}, where=where)


class BreakdownMean(Check):
    id = "BREAKDOWN_MEAN"
    title = "Averages are the mean of their parts"
    description = ("A value printed as the average of its parts (availability of CCN and CCN2, UCC completion of new "
                   "and upgraded components, quality aspects of eLearning) is their arithmetic mean, within rounding.")

    def run(self, ds: Dataset) -> Iterator[Outcome]:
        for ident, res in sorted(ds.results.items()):
            ind = ds.indicators.get(ident)
            if ind is None:
                continue
            for d in res.dimensions:
                if d.aggregate != "mean":
                    continue
                subject = f"{short_id(ident)} by {d.name}"
                vals = [_item_val(i, ind, res) for i in _top_items(res, d.name)]
                if not vals or any(v is None for v in vals) or res.value is None:
                    yield self.outcome(subject, SKIPPED, "the average or a part has no value")
                    continue
                parts: list[Val] = vals  # type: ignore[assignment]
                n = Decimal(len(parts))
                mean = sum((v.value for v in parts), Decimal(0)) / n
                error = sum((v.error for v in parts), Decimal(0)) / n
                stated = Val.of(Figure(res.value, res.printed, ind.unit, where=ident))
                status, severity, diff = compare(stated, Val(mean, error, fmt(mean.quantize(Decimal("0.0001"))), Decimal(1)))
                lo, hi = min(v.value for v in parts), max(v.value for v in parts)
                msg = f"the mean of {', '.join(v.text for v in parts)} is {fmt(mean.quantize(Decimal('0.001')))}; the average printed is {stated.text}"
                if status != PASSED:
                    msg += (f" ({fmt(abs(diff).quantize(Decimal('0.001')))} points off"
                            + ("; within the parts' range, so a weighted mean with unpublished weights could give it)" if lo <= res.value <= hi
                               else "; outside the parts' range, so no weighting gives it)"))
                yield self.outcome(subject, status, msg, severity,
                                   {"average printed": stated.text, "mean of the parts": mean.quantize(Decimal("0.001")),
                                    "difference": diff.quantize(Decimal("0.001"))}, _line(res.source))


class PercentFromCounts(Check):
    id = "PERCENT_FROM_COUNTS"
    title = "Percentages agree with the counts they derive from"
    description = ("A percentage printed next to counts (administrations per document format, the share of green "
                   "IT projects, the share of face-to-face meetings, the budget share of digital systems) is the "
                   "count divided by its base, rounded as printed.")

    def run(self, ds: Dataset) -> Iterator[Outcome]:
        resolve = Resolver(ds)
        for ident, res in sorted(ds.results.items()):
            ind = ds.indicators.get(ident)
            if ind is None:
                continue
            for d in res.dimensions:
                for item in _top_items(res, d.name):
                    if item.share is None:
                        continue
                    base = _total_val(res, ind, d.name)
                    if base is None or item.value is None:
                        yield self.outcome(f"{short_id(ident)} {d.name}/{item.key}", SKIPPED, "no base to compute the share from")
                        continue
                    yield self._one(f"{short_id(ident)} {d.name}/{item.key}", Val.of(Figure(item.share, item.share_printed or "", "%")),
                                    Val.exact(item.value, item.printed), base, _line(None, item.line))
        for rel in ds.relations:
            if rel.check != self.id:
                continue
            pct, num, den = (resolve(rel.spec[k]) for k in ("percent", "numerator", "denominator"))
            if pct is None or num is None or den is None:
                yield self.outcome(rel.id, FINDING, "a figure of the relation is missing: "
                                   + ", ".join(f"{k} {rel.spec[k]}" for k, v in (("percent", pct), ("numerator", num), ("denominator", den)) if v is None),
                                   UNVERIFIABLE)
                continue
            yield self._one(rel.id, pct, num, den, [], rel.note)

    def _one(self, subject: str, pct: Val, num: Val, den: Val, where: list[str], note: str | None = None) -> Outcome:
        if den.value == 0:
            return self.outcome(subject, SKIPPED, "the base is zero")
        exact = num.value / den.value * HUNDRED
        error = (num.error / den.value + num.value * den.error / (den.value * den.value)) * HUNDRED if (num.error or den.error) else Decimal(0)
        status, severity, diff = compare(pct, Val(exact, error, fmt(exact.quantize(Decimal("0.01"))), Decimal("0.01")))
        base = den.text if den.text == fmt(den.value) else f"{fmt(den.value)} ({den.text})"
        msg = f"{num.text} of {base} is {fmt(exact.quantize(Decimal('0.01')))}%; printed {pct.text}"
        if severity == ROUNDING:
            msg += " (truncated, not rounded)"
        if note:
            msg += f" — {note}"
        return self.outcome(subject, status, msg, severity,
                            {"printed": pct.text, "computed": f"{fmt(exact.quantize(Decimal('0.01')))}%",
                             "count": num.text, "base": base}, where)


class ShareOfRespondents(Check):
    id = "SHARE_OF_RESPONDENTS"
    title = "Shares of the survey's respondents are whole numbers of administrations"
    description = ("A percentage of the administrations that answered a survey is k/n for a whole number k of the "
                   "n respondents the report names (footnote 95: 27 administrations in 2024). When no k fits, the "
                   "check says which numbers of respondents would fit all the shares.")

    def run(self, ds: Dataset) -> Iterator[Outcome]:
        resolve = Resolver(ds)
        n = ds.survey.get("respondents")
        for rel in ds.relations:
            if rel.check != self.id:
                continue
            shares = [resolve(r) for r in rel.spec.get("shares", [])]
            if not n:
                yield self.outcome(rel.id, FINDING, "the number of respondents is not recorded", UNVERIFIABLE)
                continue
            if any(s is None for s in shares):
                yield self.outcome(rel.id, SKIPPED, "a share is missing")
                continue
            vals: list[Val] = shares  # type: ignore[assignment]
            misfits = []
            for s in vals:
                k = (s.value * n / HUNDRED).to_integral_value()
                fits = abs(k * HUNDRED / n - s.value) <= s.error + Decimal("1e-9")
                if not fits:
                    misfits.append((s, k))
            fitting = [m for m in range(1, 201) if all(
                abs((s.value * m / HUNDRED).to_integral_value() * HUNDRED / m - s.value) <= s.error + Decimal("1e-9")
                for s in vals)]
            figures = {"respondents": f"{n} ({ds.survey.get('read') or ds.survey.get('printed', '')})",
                       "shares": ", ".join(s.text for s in vals)}
            if fitting:
                figures["numbers of respondents that fit"] = ", ".join(str(m) for m in fitting[:6]) + (" …" if len(fitting) > 6 else "")
            if not misfits:
                yield self.outcome(rel.id, PASSED, f"every share is a whole number of the {n} respondents", figures=figures,
                                   where=_line(ds.survey))
                continue
            truncated = all(truncate(k * HUNDRED / n, s.ulp) == s.value or
                            truncate((k + 1) * HUNDRED / n, s.ulp) == s.value or
                            truncate((k - 1) * HUNDRED / n, s.ulp) == s.value for s, k in misfits)
            detail = "; ".join(f"{s.text} is not k/{n} (nearest {int(k)}/{n} = {fmt((k * HUNDRED / n).quantize(Decimal('0.01')))}%)"
                               for s, k in misfits)
            msg = detail + (f"; they would fit {', '.join(str(m) for m in fitting[:4])}{' …' if len(fitting) > 4 else ''} respondents"
                            if fitting else "")
            if rel.note:
                msg += f" — {rel.note}"
            yield self.outcome(rel.id, FINDING, msg, ROUNDING if truncated else DISCREPANCY, figures, _line(ds.survey))


class NarrativeVsTarget(Check):
    id = "NARRATIVE_VS_TARGET"
    title = "Narratives agree with the figures they compare"
    description = ("Every statement of a narrative comparing a value with its target, milestone or the previous "
                   "year ('above the target of 98%', '9 percentage points lower than the 70% target', 'slight "
                   "reduction compared to 2023 (72.22%)') holds for the figures; a comparison with a figure the "
                   "report does not give is listed as unverifiable.")

    def run(self, ds: Dataset) -> Iterator[Outcome]:
        for ident, res in sorted(ds.results.items()):
            ind = ds.indicators.get(ident)
            if ind is None:
                continue
            for n, claim in enumerate(res.claims):
                yield self._claim(ds, ind, res, claim, f"{short_id(ident)} claim {n + 1}")

    def _reference(self, ds: Dataset, ind: Indicator, claim: Claim) -> tuple[Val | None, str]:
        """The figure compared with, and where it comes from; a quoted figure that disagrees with the data's is
        reported by the caller."""
        # Targets and milestones are set, not measured: exact, whatever their printed precision.
        if claim.reference == "target" and claim.relation in ("on_track", "pace"):
            t = ind.target
            if t is None:
                return None, "target"
            return _set(t.value, t.printed), "target"
        if claim.reference_value is not None:
            text = claim.reference_printed or fmt(claim.reference_value)
            if claim.reference in ("target", "milestone"):
                return _set(claim.reference_value, text), f"{claim.reference} as quoted"
            return Val.of(Figure(claim.reference_value, text, ind.unit, where="quoted")), "as quoted"
        if claim.reference == "target" and ind.target is not None:
            return _set(ind.target.value, ind.target.printed), "target"
        if claim.reference == "milestone" and ind.milestone(ds.year) is not None:
            m = ind.milestones[ds.year]
            return _set(ind.milestone(ds.year), str(m.get("printed", ""))), "milestone"  # type: ignore[arg-type]
        if claim.reference == "previous_year":
            prev = ds.previous.get(ind.id)
            if prev is not None and prev.value is not None:
                return Val.of(Figure(prev.value, prev.printed, ind.unit, where=str(ds.year - 1))), str(ds.year - 1)
        return None, claim.reference

    def _subjects(self, ind: Indicator, res: Result, claim: Claim) -> list[tuple[str, Val]]:
        out = []
        if claim.subject in ("value",) or claim.subject.startswith("all:"):
            if res.value is not None:
                out.append(("the value", Val.of(Figure(res.value, res.printed, ind.unit))))
        if claim.subject.startswith("all:"):
            for item in _top_items(res, claim.subject[4:]):
                v = _item_val(item, ind, res)
                if v is not None:
                    out.append((item.label, v))
        if claim.subject.startswith("item:"):
            dim, _, key = claim.subject[5:].partition("/")
            item = res.item(dim, key)
            v = _item_val(item, ind, res) if item else None
            if v is not None and item is not None:
                out.append((item.label, v))
        return out

    def _claim(self, ds: Dataset, ind: Indicator, res: Result, claim: Claim, subject: str) -> Outcome:
        where = _line(res.source, claim.line)
        quote = f"“{claim.quote}”"
        ref, ref_name = self._reference(ds, ind, claim)
        if ref is None:
            what = {"target": "a target", "milestone": "a milestone", "previous_year": f"the {ds.year - 1} value"}.get(claim.reference, claim.reference)
            return self.outcome(subject, FINDING, f"{quote} compares with {what}, which the data does not give", UNVERIFIABLE,
                                {"value": res.printed}, where)
        if claim.relation == "pace":
            t = ind.target
            if t is None or not t.cycle_years:
                return self.outcome(subject, FINDING, f"{quote}: no cycle target to divide", UNVERIFIABLE, where=where)
            pace = t.value / t.cycle_years
            stated = Val.of(Figure(claim.reference_value, claim.reference_printed or "", ind.unit)) if claim.reference_value is not None else None  # type: ignore[arg-type]
            if stated is None:
                return self.outcome(subject, SKIPPED, "no pace is stated")
            status, severity, diff = compare(stated, Val(pace, Decimal(0), fmt(pace), Decimal(1)))
            return self.outcome(subject, status, f"{quote}: {t.printed} over the {t.cycle_years} years {t.first}-{t.last} is "
                                f"{fmt(pace.quantize(Decimal(1)))} a year; stated {stated.text}"
                                + (" (truncated, not rounded)" if severity == ROUNDING else ""), severity,
                                {"cycle target": t.printed, "years": t.cycle_years, "per year": pace.quantize(Decimal(1)),
                                 "stated": stated.text}, where)
        subjects = self._subjects(ind, res, claim)
        if not subjects:
            return self.outcome(subject, SKIPPED, f"{quote}: the value compared has no figure")
        if claim.relation == "on_track":
            t = ind.target
            if t is None or not t.cycle_years:
                return self.outcome(subject, FINDING, f"{quote}: 'on track' without a target the data gives", UNVERIFIABLE, where=where)
            pace = t.value / t.cycle_years
            value = subjects[0][1]
            ok = value.value + value.error >= pace
            return self.outcome(subject, PASSED if ok else FINDING,
                                f"{quote}: {value.text} against the {fmt(pace.quantize(Decimal(1)))} a year that {t.printed} over "
                                f"{t.first}-{t.last} needs", None if ok else DISCREPANCY,
                                {"value": value.text, "yearly pace of the target": pace.quantize(Decimal(1))}, where)
        failures: list[str] = []
        severity: str | None = None
        checked: list[str] = []
        for name, v in subjects:
            ok, sev, text = self._holds(claim, v, ref)
            checked.append(f"{name} {v.text}")
            if not ok:
                failures.append(f"{name} is {v.text}: {text}")
                severity = DISCREPANCY if sev == DISCREPANCY or severity == DISCREPANCY else sev
        figures = {"compared with": f"{ref.text} ({ref_name})", "values": "; ".join(checked)}
        if claim.amount is not None:
            figures["stated difference"] = claim.amount_printed or fmt(claim.amount)
        quoted_mismatch = self._quoted_mismatch(ds, ind, claim)
        if quoted_mismatch:
            failures.append(quoted_mismatch)
            severity = severity or DISCREPANCY
        if failures:
            return self.outcome(subject, FINDING, f"{quote}: " + "; ".join(failures), severity, figures, where)
        return self.outcome(subject, PASSED, f"{quote} holds", figures=figures, where=where)

    def _quoted_mismatch(self, ds: Dataset, ind: Indicator, claim: Claim) -> str | None:
        if claim.reference_value is None:
            return None
        quoted = Val.of(Figure(claim.reference_value, claim.reference_printed or "", ind.unit))
        if claim.reference in ("target", "milestone"):
            quoted = _set(claim.reference_value, claim.reference_printed or fmt(claim.reference_value))
        other: Val | None = None
        if claim.reference == "target" and ind.target is not None:
            other = _set(ind.target.value, ind.target.printed)
        elif claim.reference == "milestone" and ind.milestone(ds.year) is not None:
            other = Val.exact(ind.milestone(ds.year))  # type: ignore[arg-type]
        elif claim.reference == "previous_year" and ds.previous.get(ind.id) and ds.previous[ind.id].value is not None:
            p = ds.previous[ind.id]
            other = Val.of(Figure(p.value, p.printed, ind.unit))  # type: ignore[arg-type]
        if other is None:
            return None
        status, _, _ = compare(quoted, other)
        return None if status == PASSED else f"the {claim.reference.replace('_', ' ')} quoted ({quoted.text}) is not the one recorded ({other.text})"

    def _holds(self, claim: Claim, v: Val, ref: Val) -> tuple[bool, str | None, str]:
        r = claim.relation
        diff = v.value - ref.value
        if r in ("above", "increase"):
            return (diff > 0, DISCREPANCY, f"not {'above' if r == 'above' else 'higher than'} {ref.text}")
        if r in ("below", "decrease"):
            return (diff < 0, DISCREPANCY, f"not {'below' if r == 'below' else 'lower than'} {ref.text}")
        if r in ("equal", "same"):
            status, severity, d = compare(ref, v)
            return (status == PASSED, severity, f"not {ref.text} (difference {fmt(abs(d))})")
        if r in ("above_by", "below_by", "increase_by", "decrease_by"):
            actual = diff if r in ("above_by", "increase_by") else -diff
            stated = Val.of(Figure(claim.amount, claim.amount_printed or fmt(claim.amount), "%")) if claim.amount is not None else None  # type: ignore[arg-type]
            if stated is None:
                return True, None, ""
            status, severity, d = compare(stated, Val(actual, v.error + ref.error, fmt(actual), Decimal("0.01")))
            return (status == PASSED, severity,
                    f"the difference with {ref.text} is {fmt(actual.quantize(Decimal('0.01')))} points, stated {stated.text}")
        return True, None, ""


def _set(value: Decimal, text: str) -> Val:
    """A target or milestone: a set figure, exact whatever its printed precision."""
    return Val(value, Decimal(0), text, Decimal(1), "set")


class CrossReference(Check):
    id = "CROSS_REFERENCE"
    title = "A figure quoted in several places is the same everywhere"
    description = ("The body of the report, Annex 2's figures, Annex 4's tables and the narratives quote some "
                   "figures more than once (meetings per format, participants, UCC completion, the budget devoted "
                   "to digital systems...): the quotes agree within their rounding.")

    def run(self, ds: Dataset) -> Iterator[Outcome]:
        resolve = Resolver(ds)
        for rel in ds.relations:
            if rel.check != self.id:
                continue
            refs = rel.spec.get("refs", [])
            vals = [(r, resolve(r)) for r in refs]
            missing = [r for r, v in vals if v is None]
            present = [(r, v) for r, v in vals if v is not None]
            if len(present) < 2:
                yield self.outcome(rel.id, FINDING, f"cannot compare: missing {', '.join(missing)}", UNVERIFIABLE)
                continue
            first_ref, first = present[0]
            problems, severity = [], None
            for r, v in present[1:]:
                status, sev, diff = compare(first, v)  # type: ignore[arg-type]
                if status != PASSED:
                    problems.append(f"{v.text} ({r}) against {first.text} ({first_ref})")  # type: ignore[union-attr]
                    severity = DISCREPANCY if sev == DISCREPANCY or severity == DISCREPANCY else sev
            figures = {r: v.text for r, v in present}  # type: ignore[union-attr]
            msg = ("; ".join(problems) if problems else f"{first.text} everywhere") + (f" — {rel.note}" if rel.note else "")
            yield self.outcome(rel.id, FINDING if problems else PASSED, msg, severity, figures)


class CountFromRegister(Check):
    id = "COUNT_FROM_REGISTER"
    title = "Counts agree with the registers they count"
    description = ("A count printed by the report (IT projects per phase, projects released as required by law, "
                   "revisions of delivery dates, systems financed, UCC projects) is the number of entries of the "
                   "register it counts, as the report itself lists them.")

    def run(self, ds: Dataset) -> Iterator[Outcome]:
        resolve = Resolver(ds)
        for rel in ds.relations:
            if rel.check != self.id:
                continue
            count, reg = resolve(rel.spec["count"]), resolve(rel.spec["register"])
            if count is None or reg is None:
                yield self.outcome(rel.id, FINDING, f"cannot compare {rel.spec['count']} with {rel.spec['register']}", UNVERIFIABLE)
                continue
            status, severity, diff = compare(count, reg)
            name = rel.spec["register"][9:]
            entries = _register_names(ds, name)
            msg = f"printed {count.text} ({rel.spec['count']}); the register lists {fmt(reg.value)}"
            if entries:
                msg += f": {entries}"
            if rel.note and status != PASSED:
                msg += f" — {rel.note}"
            yield self.outcome(rel.id, status, msg, severity, {"printed": count.text, "register": fmt(reg.value)})


def _register_names(ds: Dataset, query: str) -> str:
    name, _, q = query.partition("?")
    entries = [e for e in ds.registers.get(name, []) if register_matches(e, dict(parse_qsl(q)))]
    if len(entries) > 12:
        return ""
    return ", ".join(str(e.get("name") or e.get("acronym") or e.get("code")) for e in entries)


class BudgetTotal(Check):
    id = "BUDGET_TOTAL"
    title = "Budget lines add up to the total, within the financing decision"
    description = ("Table 1's committed expenses per action category add up to its TOTAL, which does not exceed the "
                   "amount of the financing decision for the year.")

    def run(self, ds: Dataset) -> Iterator[Outcome]:
        lines = [b for b in ds.budget if b.kind == "commitment"]
        total = next((b for b in ds.budget if b.kind == "total"), None)
        decision = next((b for b in ds.budget if b.kind == "financing_decision"), None)
        if not lines:
            yield self.outcome(f"budget {ds.year}", SKIPPED, "no budget recorded")
            return
        s = sum((b.amount for b in lines), Decimal(0))
        if total is None:
            yield self.outcome(f"budget {ds.year}", SKIPPED, f"no total printed (the lines add up to EUR {fmt(s, 2)})")
        else:
            ok = s == total.amount
            yield self.outcome(f"budget {ds.year} total", PASSED if ok else FINDING,
                               f"the lines add up to EUR {fmt(s, 2)}; TOTAL printed {total.printed}"
                               + ("" if ok else f" (difference EUR {fmt(abs(s - total.amount), 2)})"),
                               None if ok else DISCREPANCY,
                               {"sum of the lines": f"EUR {fmt(s, 2)}", "total printed": total.printed}, _line(total.source))
        negative = [b for b in lines if b.amount < 0]
        if negative:
            yield self.outcome(f"budget {ds.year} lines", FINDING, "negative commitments: " + ", ".join(b.label for b in negative), DISCREPANCY)
        if decision is not None:
            committed = total.amount if total is not None else s
            ok = committed <= decision.amount
            yield self.outcome(f"budget {ds.year} financing decision", PASSED if ok else FINDING,
                               f"committed EUR {fmt(committed, 2)} of the EUR {fmt(decision.amount, 2)} decided"
                               + (f" ({fmt((committed / decision.amount * HUNDRED).quantize(Decimal('0.01')))}%)" if decision.amount else ""),
                               None if ok else DISCREPANCY,
                               {"committed": f"EUR {fmt(committed, 2)}", "financing decision": decision.printed}, _line(decision.source))


class UniqueLabel(Check):
    id = "UNIQUE_LABEL"
    title = "Each indicator is printed under its own id"
    description = "No two rows of the indicator tables carry the same printed id, and each printed id is the row's own."

    def run(self, ds: Dataset) -> Iterator[Outcome]:
        by_label: dict[str, list[Indicator]] = {}
        for ident in ds.results:
            ind = ds.indicators.get(ident)
            if ind is not None:
                by_label.setdefault(indicator_id(ind.label), []).append(ind)
        for label, inds in sorted(by_label.items()):
            if len(inds) > 1:
                lines = [f"line {ds.results[i.id].source.get('line')}" for i in inds if ds.results[i.id].source.get("line")]
                yield self.outcome(label, FINDING, f"{len(inds)} rows are printed as '{inds[0].label}': "
                                   + "; ".join(f"{i.id} ({i.name})" for i in inds)
                                   + "".join(f". {i.notes['label_note']}" for i in inds if i.notes.get("label_note")),
                                   LABELLING, {"printed id": inds[0].label, "rows": len(inds)}, lines)
            elif inds[0].id != label:
                yield self.outcome(inds[0].id, FINDING, f"printed as '{inds[0].label}'", LABELLING)
            else:
                yield self.outcome(label, PASSED, "printed once under its own id")


def _months_before(month: str, months: int) -> tuple[int, int]:
    year, mon = (int(x) for x in month.split("-"))
    index = year * 12 + (mon - 1) - (months - 1)
    return index // 12, index % 12 + 1


class ExpertTeamDates(Check):
    id = "EXPERT_TEAM_DATES"
    title = "Expert teams' durations, extensions and end dates are consistent"
    description = ("An expert team's start (its end month minus its duration) falls within the financial framework "
                   "of the grant that finances it, an extension lengthens the initial duration, and a team whose end "
                   "is past is closed (and one still running is not).")

    def run(self, ds: Dataset) -> Iterator[Outcome]:
        for team in ds.registers.get("expert_teams", []):
            code = team.get("code", "?")
            if not team.get("end") or not team.get("duration_months"):
                yield self.outcome(code, SKIPPED, f"duration {team.get('printed_duration') or 'not set'}")
                continue
            problems = []
            sy, sm = _months_before(team["end"], int(team["duration_months"]))
            start = f"{sy}-{sm:02d}"
            mff = team.get("mff") or []
            if len(mff) == 2 and not mff[0] <= sy <= mff[1]:
                problems.append(f"it starts in {start}, outside its grant's framework {mff[0]}-{mff[1]}")
            initial = team.get("initial_duration_months")
            if initial and int(initial) > int(team["duration_months"]):
                problems.append(f"its initial duration {initial} months is longer than its duration {team['duration_months']}")
            for ext in team.get("extensions") or []:
                if int(ext.get("to_months", 0)) != int(team["duration_months"]) and ext is (team.get("extensions") or [])[-1]:
                    problems.append(f"the last extension is to {ext.get('to_months')} months, the duration is {team['duration_months']}")
            ey, em = (int(x) for x in team["end"].split("-"))
            ended = date(ey, em, 1) < date(ds.year, 12, 1)
            if team.get("status") == "closed" and not ended:
                problems.append(f"closed, but it runs until {team['end']}")
            if team.get("status") == "active" and ey < ds.year:
                problems.append(f"active, but it ended in {team['end']}")
            figures = {"duration": team.get("printed_duration", ""), "start (computed)": start,
                       "grant": team.get("grant", "")}
            if problems:
                yield self.outcome(code, FINDING, "; ".join(problems), DISCREPANCY, figures, _line(team))
            else:
                yield self.outcome(code, PASSED, f"from {start} to {team['end']} ({team['duration_months']} months), within {team.get('grant', 'its grant')}",
                                   figures=figures, where=_line(team))


class RecordsVsReported(Check):
    id = "RECORDS_VS_REPORTED"
    title = "Published values agree with the activity data recorded"
    description = ("Where the activities, meetings, participants, training, survey answers and incidents of the year "
                   "were recorded in the box, the indicators computed from those records agree with the values "
                   "recorded for publication.")

    def run(self, ds: Dataset) -> Iterator[Outcome]:
        if not ds.derived:
            yield self.outcome(f"records {ds.year}", SKIPPED, "no activity data recorded for the year")
            return
        compared = 0
        for ident, derived in sorted(ds.derived.items()):
            published = ds.results.get(ident)
            if published is None:
                continue
            ind = ds.indicators.get(ident)
            unit = ind.unit if ind else ""
            pairs: list[tuple[str, Val | None, Val | None]] = []
            if published.value is not None and derived.value is not None:
                pairs.append(("value", Val.of(Figure(published.value, published.printed, unit)),
                              Val.of(Figure(derived.value, derived.printed, unit))))
            for item in derived.items:
                pub = published.item(item.dimension, item.key)
                if pub is not None and pub.value is not None and item.value is not None:
                    pairs.append((f"{item.dimension}/{item.key}", Val.of(Figure(pub.value, pub.printed, pub.unit or unit)),
                                  Val.of(Figure(item.value, item.printed, item.unit or unit))))
            problems, severity = [], None
            for name, pub_v, rec_v in pairs:
                status, sev, _ = compare(pub_v, rec_v)  # type: ignore[arg-type]
                if status != PASSED:
                    problems.append(f"{name}: published {pub_v.text}, records give {rec_v.text}")  # type: ignore[union-attr]
                    severity = DISCREPANCY if sev == DISCREPANCY or severity == DISCREPANCY else sev
            if not pairs:
                continue
            compared += 1
            yield self.outcome(short_id(ident), FINDING if problems else PASSED,
                               "; ".join(problems) if problems else f"{len(pairs)} figure(s) agree with the records", severity)
        if not compared:
            yield self.outcome(f"records {ds.year}", SKIPPED, f"no published value to compare with the {len(ds.derived)} "
                               "indicators the records give")


CHECKS: tuple[Check, ...] = (BreakdownSum(), BreakdownMean(), PercentFromCounts(), ShareOfRespondents(),
                             NarrativeVsTarget(), CrossReference(), CountFromRegister(), BudgetTotal(), UniqueLabel(),
                             ExpertTeamDates(), RecordsVsReported())
BY_ID: dict[str, Check] = {c.id: c for c in CHECKS}


@dataclass
class CheckReport:
    year: int
    outcomes: list[Outcome]

    @property
    def findings(self) -> list[Outcome]:
        order = {s: i for i, s in enumerate(SEVERITIES)}
        return sorted((o for o in self.outcomes if o.status == FINDING), key=lambda o: (order.get(o.severity or "", 9), o.check, o.subject))

    def summary(self) -> dict[str, Any]:
        per_check: dict[str, dict[str, int]] = {}
        for o in self.outcomes:
            per_check.setdefault(o.check, {PASSED: 0, FINDING: 0, SKIPPED: 0})[o.status] += 1
        return {"year": self.year, "checks": per_check,
                "passed": sum(1 for o in self.outcomes if o.status == PASSED),
                "findings": len(self.findings), "skipped": sum(1 for o in self.outcomes if o.status == SKIPPED),
                "by_severity": {s: sum(1 for o in self.findings if o.severity == s) for s in SEVERITIES}}

    def as_dict(self) -> dict[str, Any]:
        return {**self.summary(), "findings": [o.as_dict() for o in self.findings],
                "outcomes": [o.as_dict() for o in self.outcomes]}


def run_checks(ds: Dataset, only: Iterable[str] | None = None) -> CheckReport:
    wanted = set(only) if only else None
    outcomes: list[Outcome] = []
    for check in CHECKS:
        if wanted is None or check.id in wanted:
            outcomes.extend(check.run(ds))
    return CheckReport(ds.year, outcomes)


def describe() -> list[dict[str, str]]:
    return [{"id": c.id, "title": c.title, "description": c.description} for c in CHECKS]

