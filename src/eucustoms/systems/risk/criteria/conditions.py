"""Rule conditions: checked and compiled once into closures, explained only when a rule hits.

A condition is a mapping with exactly one key:

* ``all: [c, ...]`` / ``any: [c, ...]`` (non-empty lists), ``not: c``;
* ``any_item: c`` (some goods item satisfies ``c``) / ``all_items: c`` (there are items and every one does);
  inside them ``goods.*`` fields read that one item, other fields read the consignment;
* ``<field>: {<operator>: <value>, ...}``: several operators on one field must all hold.

A ``goods.*`` field outside ``any_item``/``all_items`` means "some goods item": ``{goods.hs6: {in_prefix:
[2939]}}`` is ``{any_item: {goods.hs6: {in_prefix: [2939]}}}``. Two such conditions side by side may be met by
*different* items; to require the same item put them under one ``any_item``.

Operators: ``eq``, ``ne``, ``in``, ``not_in`` (a list, or ``{list: <name>}`` naming a list of the rule set or
the built-in ``eu_member_states``), ``in_prefix`` (codes or text starting with any of the prefixes; spaces and
dots in goods codes are ignored, so ``"2834 21"`` is ``283421``), ``regex`` (Python ``re.search``),
``gt``/``gte``/``lt``/``lte`` and ``between: [low, high]`` (inclusive; numbers and dates), ``exists``
(true/false), ``contains_any`` (text mentioning any of the words or phrases, case-insensitive, whole words;
a trailing ``*`` matches a word prefix: ``pangolin*``).

Missing values: every operator but ``exists`` is false on a missing value. On a field with several values
(``countries.routing``...), ``eq``/``in``/``in_prefix``/... hold when *some* value satisfies them and ``ne``/
``not_in`` when *no* value is equal / in the list (and there is at least one value).

Rule values are checked against the field when the rule set is loaded: country codes, HS/CN digits,
UN/LOCODEs, currencies, the ``kind``/``mode`` code lists, numbers and dates; a mistake is reported with its
pointer (``/rules/3/when/all/1/goods.hs6/in_prefix/0``).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from operator import attrgetter, methodcaller
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Callable, Iterable, Mapping

from eucustoms.core.errors import ErrorCode, Issue
from eucustoms.core.ids.countries import EU_MEMBER_STATES
from eucustoms.systems.risk.criteria.fields import (
    ANY,
    CHOICE,
    CODE,
    COUNTRY,
    DATE,
    NUMBER,
    TEXT,
    EvalContext,
    FieldSpec,
    country_code,
    resolve,
)

Test = Callable[[EvalContext, Any], bool]

COMBINATORS = ("all", "any", "not", "any_item", "all_items")
OPERATORS = (
    "eq",
    "ne",
    "in",
    "not_in",
    "in_prefix",
    "regex",
    "gt",
    "gte",
    "lt",
    "lte",
    "between",
    "exists",
    "contains_any",
)
_EQUALITY = {"eq", "ne", "in", "not_in", "exists"}
_ORDER = {"gt", "gte", "lt", "lte", "between"}
ALLOWED_OPERATORS: Mapping[str, frozenset[str]] = {
    TEXT: frozenset(_EQUALITY | {"in_prefix", "regex", "contains_any"}),
    CODE: frozenset(_EQUALITY | {"in_prefix", "regex"}),
    COUNTRY: frozenset(_EQUALITY),
    CHOICE: frozenset(_EQUALITY),
    NUMBER: frozenset(_EQUALITY | _ORDER),
    DATE: frozenset(_EQUALITY | _ORDER),
    ANY: frozenset(OPERATORS),
}
BUILTIN_LISTS: Mapping[str, tuple[str, ...]] = {"eu_member_states": tuple(sorted(EU_MEMBER_STATES))}

_SYMBOLS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_WORD = re.compile(r"\w+")


@lru_cache(maxsize=8192)
def _words(text: str) -> frozenset[str]:
    """The lower-cased words of ``text`` (runs of word characters)."""
    return frozenset(_WORD.findall(text.lower()))


def escape(token: str) -> str:
    """A JSON pointer reference token."""
    return token.replace("~", "~0").replace("/", "~1")


# --------------------------------------------------------------------------------------------------------------
# Showing values in explanations
# --------------------------------------------------------------------------------------------------------------


def show_number(d: Decimal) -> str:
    if d.as_tuple().exponent >= -2:  # type: ignore[operator]
        q = d
    elif abs(d) >= Decimal("0.1"):
        q = d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    else:
        return format(d, ".3g")
    text = format(q, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def show(value: Any, quote: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return show_number(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return ", ".join(show(v, quote) for v in value)
    text = str(value)
    if quote:
        if len(text) > 60:
            text = text[:57] + "..."
        return repr(text)
    return text


def _show_list(values: Iterable[Any], name: str | None) -> str:
    if name:
        return f"list {name}"
    values = list(values)
    head = ", ".join(show(v) for v in values[:8])
    return f"[{head}{', ...' if len(values) > 8 else ''}]"


# --------------------------------------------------------------------------------------------------------------
# Values of free attributes (kind ANY): typed only at run time
# --------------------------------------------------------------------------------------------------------------


class _Loose:
    """A rule value for a free attribute, in every form it may be compared in."""

    __slots__ = ("raw", "text", "num", "date", "flag")

    def __init__(self, raw: Any):
        self.raw = raw
        self.flag = raw if isinstance(raw, bool) else None
        self.text = show(raw) if not isinstance(raw, str) else raw
        self.num = _to_decimal(raw) if not isinstance(raw, bool) else None
        self.date = _to_date(raw) if not isinstance(raw, bool) else None

    def __str__(self) -> str:
        return self.text


def _to_decimal(raw: Any) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal):
        return raw if raw.is_finite() else None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, (float, str)):
        try:
            d = Decimal(str(raw).strip())
        except InvalidOperation:
            return None
        return d if d.is_finite() else None
    return None


def _to_date(raw: Any) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw.strip())
        except ValueError:
            return None
    return None


def _loose_eq(v: Any, a: _Loose) -> bool:
    if isinstance(v, bool):
        return a.flag is not None and v is a.flag
    if isinstance(v, (Decimal, int)):
        return a.num is not None and v == a.num
    if isinstance(v, dt.date):
        return a.date is not None and v == a.date
    if isinstance(v, str):
        return v == a.text
    return False


def _loose_cmp(v: Any, a: _Loose) -> tuple[Any, Any] | None:
    """The pair to compare, or None when the attribute value and the rule value are not comparable."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (Decimal, int)):
        return (v, a.num) if a.num is not None else None
    if isinstance(v, dt.date):
        return (v, a.date) if a.date is not None else None
    return None


# --------------------------------------------------------------------------------------------------------------
# Operators
# --------------------------------------------------------------------------------------------------------------


class Op:
    """A compiled operator: ``check(value)`` for one present value, and the phrases explaining the outcome."""

    __slots__ = ("name", "check", "yes", "no", "negative", "arg")

    def __init__(
        self,
        name: str,
        check: Callable[[Any], bool],
        yes: Callable[[str, str, Any], str],
        no: Callable[[str, str, Any], str],
        arg: Any = None,
    ):
        self.name = name
        self.check = check
        self.yes = yes  # (label, shown value, raw value) -> phrase, when check holds
        self.no = no
        self.negative = name in ("ne", "not_in")
        self.arg = arg


class _Compiler:
    def __init__(self, lists: Mapping[str, Any], issues: list[Issue]):
        self.lists = lists
        self.issues = issues

    def error(self, pointer: str, reason: str, code: str = ErrorCode.RULE_VIOLATION) -> None:
        self.issues.append(Issue(code, pointer, reason))

    # ---- values ------------------------------------------------------------------------------------------

    def value(self, spec: FieldSpec, raw: Any, pointer: str, prefix: bool = False) -> tuple[bool, Any]:
        """The rule value ``raw`` checked and converted for ``spec``: (ok, value)."""
        kind = spec.kind
        if raw is None:
            self.error(pointer, "a value is required here", ErrorCode.MISSING)
            return False, None
        if isinstance(raw, (list, dict)):
            self.error(pointer, f"must be a single value, not a {type(raw).__name__}")
            return False, None
        if kind == ANY:
            return True, _Loose(raw)
        if kind == NUMBER:
            number = _to_decimal(raw)
            if number is None:
                self.error(pointer, f"{raw!r} is not a number ({spec.path} is a number)")
                return False, None
            return True, number
        if kind == DATE:
            day = _to_date(raw)
            if day is None or isinstance(raw, dt.datetime):
                self.error(pointer, f"{raw!r} is not a date YYYY-MM-DD ({spec.path} is a date)")
                return False, None
            return True, day
        if isinstance(raw, bool):
            self.error(pointer, f"{raw!r} is not text; quote it if it is a code")
            return False, None
        text = str(raw) if isinstance(raw, (int, Decimal)) else raw
        if not isinstance(text, str):
            self.error(pointer, f"must be text, not {type(raw).__name__}")
            return False, None
        if kind == CHOICE:
            choices = spec.choices or frozenset()
            if text not in choices:
                self.error(
                    pointer, f"{text!r} is not a value of {spec.path} ({', '.join(sorted(choices))})", ErrorCode.CODELIST_VIOLATION
                )
                return False, None
            return True, text
        if kind == COUNTRY:
            try:
                return True, country_code(text, prefix)
            except ValueError as exc:
                self.error(pointer, str(exc), ErrorCode.CODELIST_VIOLATION)
                return False, None
        if spec.normalise is not None:
            try:
                return True, spec.normalise(text, prefix)
            except ValueError as exc:
                self.error(pointer, str(exc))
                return False, None
        if not text.strip():
            self.error(pointer, "must not be empty")
            return False, None
        return True, text

    def values(self, spec: FieldSpec, raw: Any, pointer: str, prefix: bool = False) -> tuple[bool, list[Any], str | None]:
        """A list of rule values, inline or ``{list: name}``: (ok, values, list name)."""
        name = None
        if isinstance(raw, Mapping):
            if set(raw) != {"list"} or not isinstance(raw.get("list"), str):
                self.error(pointer, "must be a list of values or {list: <name of a list of the rule set>}")
                return False, [], None
            name = raw["list"]
            if name in self.lists:
                items = self.lists[name]
            elif name in BUILTIN_LISTS:
                items = BUILTIN_LISTS[name]
            else:
                known = ", ".join(sorted({*self.lists, *BUILTIN_LISTS}))
                self.error(f"{pointer}/list", f"no list named {name!r} (known: {known})", ErrorCode.NOT_FOUND)
                return False, [], None
            if not isinstance(items, (list, tuple)):
                return False, [], None  # the list itself is reported where it is defined
            out: list[Any] = []
            ok = True
            for n, item in enumerate(items):
                sub: list[Issue] = []
                saved, self.issues = self.issues, sub
                good, value = self.value(spec, item, f"{pointer}/list", prefix)
                self.issues = saved
                if good:
                    out.append(value)
                else:
                    ok = False
                    for issue in sub:
                        self.error(issue.pointer, f"list {name!r} entry {n}: {issue.reason}", issue.code)
            return ok, out, name
        if not isinstance(raw, list) or not raw:
            self.error(pointer, "must be a non-empty list of values")
            return False, [], None
        out = []
        ok = True
        for n, item in enumerate(raw):
            good, value = self.value(spec, item, f"{pointer}/{n}", prefix)
            ok = ok and good
            out.append(value)
        return ok, out, None

    # ---- operators ---------------------------------------------------------------------------------------

    def op(self, spec: FieldSpec, name: str, raw: Any, pointer: str) -> Op | None:
        if name not in OPERATORS:
            self.error(pointer, f"unknown operator {name!r} (known: {', '.join(OPERATORS)})", ErrorCode.NOT_ALLOWED)
            return None
        if name not in ALLOWED_OPERATORS[spec.kind]:
            allowed = ", ".join(o for o in OPERATORS if o in ALLOWED_OPERATORS[spec.kind])
            self.error(pointer, f"operator {name!r} does not apply to {spec.path} (use one of {allowed})", ErrorCode.NOT_ALLOWED)
            return None
        loose = spec.kind == ANY
        quote = spec.kind == TEXT or loose
        builder = getattr(self, f"_op_{name}")
        return builder(spec, raw, pointer, loose, quote)

    def _op_exists(self, spec: FieldSpec, raw: Any, pointer: str, loose: bool, quote: bool) -> Op | None:
        if not isinstance(raw, bool):
            self.error(pointer, "exists takes true or false")
            return None
        return Op(
            "exists",
            lambda v: True,
            lambda label, s, v: f"{label} {s} is given",
            lambda label, s, v: f"{label} is missing",
            arg=raw,
        )

    def _op_eq(self, spec: FieldSpec, raw: Any, pointer: str, loose: bool, quote: bool) -> Op | None:
        ok, arg = self.value(spec, raw, pointer)
        if not ok:
            return None
        shown = show(arg.raw if loose else arg, quote)
        if loose:
            check: Callable[[Any], bool] = lambda v: _loose_eq(v, arg)
        elif isinstance(arg, str):
            check = arg.__eq__  # present values of text and code fields are str
        else:
            check = lambda v: v == arg  # noqa: E731
        return Op(
            "eq",
            check,
            lambda label, s, v: f"{label} is {shown}",
            lambda label, s, v: f"{label} is {s}, not {shown}",
        )

    def _op_ne(self, spec: FieldSpec, raw: Any, pointer: str, loose: bool, quote: bool) -> Op | None:
        eq = self._op_eq(spec, raw, pointer, loose, quote)
        if eq is None:
            return None
        same = eq.check
        return Op("ne", lambda v: not same(v), eq.no, eq.yes)

    def _op_in(self, spec: FieldSpec, raw: Any, pointer: str, loose: bool, quote: bool) -> Op | None:
        ok, args, name = self.values(spec, raw, pointer)
        if not ok:
            return None
        shown = _show_list([a.raw if loose else a for a in args], name)
        if loose:
            check: Callable[[Any], bool] = lambda v: any(_loose_eq(v, a) for a in args)
        else:
            members = frozenset(args)
            check = members.__contains__
        return Op(
            "in",
            check,
            lambda label, s, v: f"{label} {s} is in {shown}",
            lambda label, s, v: f"{label} {s} is not in {shown}",
        )

    def _op_not_in(self, spec: FieldSpec, raw: Any, pointer: str, loose: bool, quote: bool) -> Op | None:
        op = self._op_in(spec, raw, pointer, loose, quote)
        if op is None:
            return None
        inside = op.check
        return Op("not_in", lambda v: not inside(v), op.no, op.yes)

    def _op_in_prefix(self, spec: FieldSpec, raw: Any, pointer: str, loose: bool, quote: bool) -> Op | None:
        ok, args, name = self.values(spec, raw, pointer, prefix=True)
        if not ok:
            return None
        prefixes = tuple(a.text if loose else a for a in args)
        shown = _show_list(prefixes, name)

        if loose:

            def check(v: Any) -> bool:
                return isinstance(v, str) and v.startswith(prefixes)

        else:
            check = methodcaller("startswith", prefixes)  # present values are str; no Python frame

        def yes(label: str, s: str, v: Any) -> str:
            hit = next((p for p in prefixes if v.startswith(p)), "")
            return f"{label} {s} starts with {hit}"

        return Op("in_prefix", check, yes, lambda label, s, v: f"{label} {s} does not start with any of {shown}")

    def _op_regex(self, spec: FieldSpec, raw: Any, pointer: str, loose: bool, quote: bool) -> Op | None:
        if not isinstance(raw, str) or not raw:
            self.error(pointer, "regex takes a non-empty regular expression (text)")
            return None
        try:
            pattern = re.compile(raw)
        except re.error as exc:
            self.error(pointer, f"invalid regular expression {raw!r}: {exc}")
            return None
        search = pattern.search
        return Op(
            "regex",
            lambda v: isinstance(v, str) and search(v) is not None,
            lambda label, s, v: f"{label} {s} matches /{raw}/",
            lambda label, s, v: f"{label} {s} does not match /{raw}/",
        )

    def _op_contains_any(self, spec: FieldSpec, raw: Any, pointer: str, loose: bool, quote: bool) -> Op | None:
        if not isinstance(raw, list) or not raw:
            self.error(pointer, "contains_any takes a non-empty list of words or phrases")
            return None
        singles: set[str] = set()
        parts = []
        ok = True
        for n, word in enumerate(raw):
            if not isinstance(word, str) or not word.strip().rstrip("*").strip():
                self.error(f"{pointer}/{n}", "must be a non-empty word or phrase")
                ok = False
                continue
            text = word.strip()
            if _WORD.fullmatch(text):
                singles.add(text.lower())
            stem = text.rstrip("*")
            body = r"\s+".join(re.escape(w) for w in stem.split())
            parts.append(body + (r"\w*" if text.endswith("*") else ""))
        if not ok:
            return None
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)
        rest = [p for p, w in zip(parts, raw) if w.strip().lower() not in singles]
        # Plain words are looked up in the (cached) set of words of the text; phrases, prefixes and words
        # with punctuation go through a regular expression.
        words = frozenset(singles)
        others = re.compile(r"(?<!\w)(?:" + "|".join(rest) + r")(?!\w)", re.IGNORECASE).search if rest else None

        def search(v: str) -> bool:
            if words and not words.isdisjoint(_words(v)):
                return True
            return others is not None and others(v) is not None

        shown = ", ".join(repr(str(w)) for w in raw[:8]) + (", ..." if len(raw) > 8 else "")

        def yes(label: str, s: str, v: Any) -> str:
            found = list(dict.fromkeys(m.group(0).lower() for m in pattern.finditer(v)))
            return f"{label} {s} mentions {', '.join(repr(w) for w in found)}"

        return Op(
            "contains_any",
            (lambda v: isinstance(v, str) and search(v)) if loose else search,
            yes,
            lambda label, s, v: f"{label} {s} mentions none of {shown}",
        )

    def _ordering(self, name: str, spec: FieldSpec, raw: Any, pointer: str, loose: bool) -> Op | None:
        ok, arg = self.value(spec, raw, pointer)
        if not ok:
            return None
        if loose and arg.num is None and arg.date is None:
            self.error(pointer, f"{raw!r} is neither a number nor a date")
            return None
        symbol = _SYMBOLS[name]
        compare: Callable[[Any, Any], bool] = {
            "gt": lambda a, b: a > b,
            "gte": lambda a, b: a >= b,
            "lt": lambda a, b: a < b,
            "lte": lambda a, b: a <= b,
        }[name]
        if loose:

            def check(v: Any) -> bool:
                pair = _loose_cmp(v, arg)
                return pair is not None and compare(*pair)

        else:
            # v > arg is arg < v: the bound method of the rule value runs without a Python frame.
            check = {"gt": arg.__lt__, "gte": arg.__le__, "lt": arg.__gt__, "lte": arg.__ge__}[name]
        shown = show(arg.raw if loose else arg)
        return Op(
            name,
            check,
            lambda label, s, v: f"{label} {s} {symbol} {shown}",
            lambda label, s, v: f"{label} {s} is not {symbol} {shown}",
        )

    def _op_gt(self, spec: FieldSpec, raw: Any, pointer: str, loose: bool, quote: bool) -> Op | None:
        return self._ordering("gt", spec, raw, pointer, loose)

    def _op_gte(self, spec: FieldSpec, raw: Any, pointer: str, loose: bool, quote: bool) -> Op | None:
        return self._ordering("gte", spec, raw, pointer, loose)

    def _op_lt(self, spec: FieldSpec, raw: Any, pointer: str, loose: bool, quote: bool) -> Op | None:
        return self._ordering("lt", spec, raw, pointer, loose)

    def _op_lte(self, spec: FieldSpec, raw: Any, pointer: str, loose: bool, quote: bool) -> Op | None:
        return self._ordering("lte", spec, raw, pointer, loose)

    def _op_between(self, spec: FieldSpec, raw: Any, pointer: str, loose: bool, quote: bool) -> Op | None:
        if not isinstance(raw, list) or len(raw) != 2:
            self.error(pointer, "between takes a list of two values [low, high]")
            return None
        ok_lo, lo = self.value(spec, raw[0], f"{pointer}/0")
        ok_hi, hi = self.value(spec, raw[1], f"{pointer}/1")
        if not (ok_lo and ok_hi):
            return None
        if loose:
            if lo.num is not None and hi.num is not None:
                low, high = lo.num, hi.num
            elif lo.date is not None and hi.date is not None:
                low, high = lo.date, hi.date
            else:
                self.error(pointer, "between takes two numbers or two dates")
                return None
        else:
            low, high = lo, hi
        if low > high:
            self.error(pointer, f"the low bound {show(low)} is above the high bound {show(high)}")
            return None
        if loose:

            wanted = (Decimal, int) if isinstance(low, Decimal) else dt.date

            def check(v: Any) -> bool:
                return not isinstance(v, bool) and isinstance(v, wanted) and low <= v <= high

        else:

            def check(v: Any) -> bool:
                return low <= v <= high

        return Op(
            "between",
            check,
            lambda label, s, v: f"{label} {s} is between {show(low)} and {show(high)}",
            lambda label, s, v: f"{label} {s} is not between {show(low)} and {show(high)}",
        )

    # ---- conditions --------------------------------------------------------------------------------------

    def node(self, raw: Any, pointer: str, in_item: bool) -> "Node | None":
        if not isinstance(raw, Mapping):
            self.error(pointer, "a condition must be a mapping such as {all: [...]} or {<field>: {<operator>: value}}")
            return None
        if len(raw) != 1:
            keys = ", ".join(map(str, raw)) or "none"
            self.error(
                pointer,
                f"a condition has exactly one key (got {keys}); combine several conditions with all: or any:",
            )
            return None
        ((key, body),) = raw.items()
        key = str(key)
        here = f"{pointer}/{escape(key)}"
        if key in ("all", "any"):
            if not isinstance(body, list) or not body:
                self.error(here, f"{key} takes a non-empty list of conditions")
                return None
            children = [self.node(c, f"{here}/{n}", in_item) for n, c in enumerate(body)]
            if any(c is None for c in children):
                return None
            return All(children) if key == "all" else AnyOf(children)  # type: ignore[arg-type]
        if key == "not":
            child = self.node(body, here, in_item)
            return None if child is None else Not(child)
        if key in ("any_item", "all_items"):
            if in_item:
                self.error(here, f"{key} cannot be nested: this condition already applies to one goods item", ErrorCode.NOT_ALLOWED)
                return None
            child = self.node(body, here, True)
            if child is None:
                return None
            return AnyItem(child) if key == "any_item" else AllItems(child)
        try:
            spec = resolve(key)
        except ValueError as exc:
            combos = ", ".join(COMBINATORS)
            self.error(here, f"{exc} (a condition key is a field or one of {combos})", ErrorCode.NOT_ALLOWED)
            return None
        if not isinstance(body, Mapping) or not body:
            self.error(here, f"{key} takes a mapping of operators, e.g. {{eq: ...}} or {{in: [...]}}")
            return None
        leaves: list[Node] = []
        ok = True
        for name, arg in body.items():
            op = self.op(spec, str(name), arg, f"{here}/{escape(str(name))}")
            if op is None:
                ok = False
            else:
                leaves.append(Leaf(spec, op))
        if not ok:
            return None
        node: Node = leaves[0] if len(leaves) == 1 else All(leaves)
        if spec.item and not in_item:
            node = AnyItem(node)
        return node


# --------------------------------------------------------------------------------------------------------------
# Compiled nodes
# --------------------------------------------------------------------------------------------------------------


class Node:
    """A compiled condition: ``test(ctx, item)`` on the hot path; ``explain`` only for hits.

    ``item_dependent`` says whether the node reads the current goods item (a ``goods.*`` leaf outside its own
    quantifier); ``cost`` is a rough price used to test cheap conditions first. Neither changes a result.
    """

    __slots__ = ("test", "item_dependent", "cost")
    test: Test
    item_dependent: bool
    cost: int

    def explain(self, c: EvalContext, i: Any, items: set[int]) -> list[str]:
        """Why the condition is what it is for ``(c, i)``: the matched conditions when it holds, the failing
        ones when not. Item numbers of goods items shown to match are added to ``items`` (true branches only)."""
        raise NotImplementedError


def _conjunction(tests: list[Test]) -> Test:
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        a, b = tests
        return lambda c, i: a(c, i) and b(c, i)
    if len(tests) == 3:
        a, b, d = tests
        return lambda c, i: a(c, i) and b(c, i) and d(c, i)
    frozen = tuple(tests)

    def test(c: EvalContext, i: Any) -> bool:
        for t in frozen:
            if not t(c, i):
                return False
        return True

    return test


def _disjunction(tests: list[Test]) -> Test:
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        a, b = tests
        return lambda c, i: a(c, i) or b(c, i)
    frozen = tuple(tests)

    def test(c: EvalContext, i: Any) -> bool:
        for t in frozen:
            if t(c, i):
                return True
        return False

    return test


def _cheapest_first(nodes: list[Node]) -> list[Test]:
    return [n.test for n in sorted(nodes, key=lambda n: n.cost)]


class Leaf(Node):
    __slots__ = ("spec", "op", "probe")

    def __init__(self, spec: FieldSpec, op: Op):
        self.spec = spec
        self.op = op
        self.item_dependent = spec.item
        self.cost = (2 if spec.item else 1) + (3 if op.name in ("regex", "contains_any") else 0)
        #: (getter on a goods item, check) for a plain item-level leaf, so quantifiers can loop without calls
        self.probe: tuple[Callable[[Any], Any], Callable[[Any], bool]] | None = None
        get = spec.get
        check = op.check
        fast = attrgetter(spec.attr) if spec.attr else None
        if op.name == "exists":
            want = bool(op.arg)
            if spec.many:
                self.test = lambda c, i: bool(get(c, i)) is want
            else:
                self.test = lambda c, i: (get(c, i) is not None) is want
        elif spec.kind == ANY:
            negative = op.negative

            def test(c: EvalContext, i: Any) -> bool:
                v = get(c, i)
                if v is None:
                    return False
                if type(v) is tuple:
                    if not v:
                        return False
                    return all(map(check, v)) if negative else any(map(check, v))
                return check(v)

            self.test = test
        elif spec.many:
            if op.negative:

                def test(c: EvalContext, i: Any) -> bool:
                    v = get(c, i)
                    return bool(v) and all(map(check, v))

            else:

                def test(c: EvalContext, i: Any) -> bool:
                    return any(map(check, get(c, i)))

            self.test = test
        elif fast is not None and spec.item:
            self.probe = (fast, check)
            self.test = lambda c, i: (v := fast(i)) is not None and check(v)
        elif fast is not None:
            self.test = lambda c, i: (v := fast(c.f)) is not None and check(v)
        else:
            self.test = lambda c, i: (v := get(c, i)) is not None and check(v)

    def explain(self, c: EvalContext, i: Any, items: set[int]) -> list[str]:
        spec, op = self.spec, self.op
        label = spec.label
        quote = spec.kind in (TEXT, ANY)
        v = spec.get(c, i)
        present = bool(v) if spec.many else v is not None
        if op.name == "exists":
            return [f"{label} {show(v, quote)} is given" if present else f"{label} is missing"]
        if not present:
            return [f"{label} is missing"]
        if not isinstance(v, tuple):
            s = show(v, quote)
            return [op.yes(label, s, v) if op.check(v) else op.no(label, s, v)]
        holds = self.test(c, i)
        if op.negative:
            if holds:
                return [op.yes(label, show(v, quote), v)]
            bad = next(x for x in v if not op.check(x))
            return [op.no(label, show(bad, quote), bad)]
        if holds:
            good = next(x for x in v if op.check(x))
            return [op.yes(label, show(good, quote), good)]
        return [op.no(label, show(v, quote), v)]


class All(Node):
    __slots__ = ("children",)

    def __init__(self, children: list[Node]):
        self.children = children
        self.item_dependent = any(c.item_dependent for c in children)
        self.cost = sum(c.cost for c in children)
        self.test = _conjunction(_cheapest_first(children))

    def explain(self, c: EvalContext, i: Any, items: set[int]) -> list[str]:
        if self.test(c, i):
            return [r for child in self.children for r in child.explain(c, i, items)]
        return [r for child in self.children if not child.test(c, i) for r in child.explain(c, i, items)]


class AnyOf(Node):
    __slots__ = ("children",)

    def __init__(self, children: list[Node]):
        self.children = children
        self.item_dependent = any(c.item_dependent for c in children)
        self.cost = sum(c.cost for c in children)
        self.test = _disjunction(_cheapest_first(children))

    def explain(self, c: EvalContext, i: Any, items: set[int]) -> list[str]:
        if self.test(c, i):
            return [r for child in self.children if child.test(c, i) for r in child.explain(c, i, items)]
        return [r for child in self.children for r in child.explain(c, i, items)]


class Not(Node):
    __slots__ = ("child",)

    def __init__(self, child: Node):
        self.child = child
        self.item_dependent = child.item_dependent
        self.cost = child.cost
        t = child.test
        self.test = lambda c, i: not t(c, i)

    def explain(self, c: EvalContext, i: Any, items: set[int]) -> list[str]:
        # The child explains its own value, which is what makes this node hold. Items it adds come from a
        # quantifier that holds and whose truth the result rests on (``not (no 2939 item and ...)``), so they
        # are matches of the rule; a quantifier that fails adds none.
        return self.child.explain(c, i, items)


def _some_item(child: Node) -> Test:
    """``test(c, i)``: some goods item satisfies ``child``; conditions of ``child`` that do not read the item
    are tested once, before the loop (same result: they do not vary between items)."""
    parts = child.children if isinstance(child, All) else [child]
    fixed = [p for p in parts if not p.item_dependent]
    varying = [p for p in parts if p.item_dependent]
    if not varying:
        once = child.test
        return lambda c, i: bool(c.f.items) and once(c, None)
    probes = [p.probe for p in sorted(varying, key=lambda n: n.cost) if isinstance(p, Leaf) and p.probe is not None]
    if len(probes) == 1 and len(varying) == 1:
        get, check = probes[0]

        def loop(c: EvalContext, i: Any) -> bool:
            for item in c.f.items:
                v = get(item)
                if v is not None and check(v):
                    return True
            return False

    elif len(probes) == len(varying):
        # Plain item fields only: read and check them inline, without a call per condition and item.
        steps = tuple(probes)

        def loop(c: EvalContext, i: Any) -> bool:
            for item in c.f.items:
                for get, check in steps:
                    v = get(item)
                    if v is None or not check(v):
                        break
                else:
                    return True
            return False

    else:
        inner = _conjunction(_cheapest_first(varying))

        def loop(c: EvalContext, i: Any) -> bool:
            for item in c.f.items:
                if inner(c, item):
                    return True
            return False

    if not fixed:
        return loop
    outer = _conjunction(_cheapest_first(fixed))
    return lambda c, i: outer(c, i) and loop(c, i)


class AnyItem(Node):
    __slots__ = ("child",)

    def __init__(self, child: Node):
        self.child = child
        self.item_dependent = False
        self.cost = 5 + 3 * child.cost
        self.test = _some_item(child)

    def explain(self, c: EvalContext, i: Any, items: set[int]) -> list[str]:
        t = self.child.test
        matching = [item for item in c.f.items if t(c, item)]
        if matching:
            out = []
            for item in matching:
                items.add(item.number)
                out.append(f"goods item {item.number}: " + "; ".join(self.child.explain(c, item, items)))
            return out
        if not c.f.items:
            return ["there are no goods items"]
        return [
            f"goods item {item.number} does not match: " + "; ".join(self.child.explain(c, item, set()))
            for item in c.f.items
        ]


class AllItems(Node):
    __slots__ = ("child",)

    def __init__(self, child: Node):
        self.child = child
        self.item_dependent = False
        self.cost = 5 + 3 * child.cost
        t = child.test

        def test(c: EvalContext, i: Any) -> bool:
            items = c.f.items
            if not items:
                return False
            for item in items:
                if not t(c, item):
                    return False
            return True

        self.test = test

    def explain(self, c: EvalContext, i: Any, items: set[int]) -> list[str]:
        if not c.f.items:
            return ["there are no goods items"]
        t = self.child.test
        if self.test(c, i):
            out = []
            for item in c.f.items:
                items.add(item.number)
                out.append(f"goods item {item.number}: " + "; ".join(self.child.explain(c, item, items)))
            return out
        return [
            f"goods item {item.number} does not match: " + "; ".join(self.child.explain(c, item, set()))
            for item in c.f.items
            if not t(c, item)
        ]


def compile_condition(
    raw: Any, pointer: str = "", lists: Mapping[str, Any] | None = None
) -> tuple[Node | None, list[Issue]]:
    """Check and compile one condition. Returns the node (``None`` when there are issues) and every issue."""
    issues: list[Issue] = []
    compiler = _Compiler(lists or {}, issues)
    node = compiler.node(raw, pointer, in_item=False)
    if issues:
        return None, issues
    return node, issues
