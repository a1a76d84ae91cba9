"""Loading rule set and reference price files, strictly, reporting every problem with its place in the file.

YAML is read with a safe loader that keeps numbers exactly as written (``2026.10`` stays a text label, ``0803``
stays a goods code, never octal 515), takes only ``true``/``false`` as booleans (``NO`` is Norway) and leaves
dates to the schema. Duplicate keys are errors. Each problem becomes an :class:`~eucustoms.core.errors.Issue`
whose pointer is the JSON pointer in the file (``/rules/3/when/all/1``) and whose reason starts with the file
and line (``crc_ss.yaml:42: ...``); all of them are raised together as one
:class:`~eucustoms.core.errors.Rejected`.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml
from pydantic import ValidationError

from eucustoms.core.errors import ErrorCode, Issue, Rejected
from eucustoms.systems.risk.criteria.conditions import compile_condition, escape
from eucustoms.systems.risk.criteria.model import DUPLICATE_ERROR, CompiledRule, ReferencePrices, RuleSet

RULES_PACKAGE = "eucustoms.systems.risk.rules"


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without implicit ints, floats and timestamps, and with only true/false as booleans."""


_DROPPED = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _DROPPED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class _Document:
    """Parsed YAML plus where each pointer sits in the text."""

    def __init__(self, data: Any, lines: dict[str, int], source: str):
        self.data = data
        self.lines = lines
        self.source = source

    def line(self, pointer: str) -> int | None:
        while True:
            if pointer in self.lines:
                return self.lines[pointer]
            if not pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]

    def issue(self, code: str, pointer: str, reason: str) -> Issue:
        line = self.line(pointer)
        where = f"{self.source}:{line}" if line is not None else self.source
        return Issue(code, pointer, f"{where}: {reason}")


def _walk(node: yaml.Node, pointer: str, lines: dict[str, int], issues: list[tuple[str, str, int]]) -> None:
    lines.setdefault(pointer, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            child = f"{pointer}/{escape(name)}"
            if name in seen:
                issues.append((child, f"duplicate key {name!r}", key.start_mark.line + 1))
            seen.add(name)
            lines[child] = key.start_mark.line + 1
            _walk(value, child, lines, issues)
    elif isinstance(node, yaml.SequenceNode):
        for n, value in enumerate(node.value):
            _walk(value, f"{pointer}/{n}", lines, issues)


def parse_yaml(text: str, source: str = "<text>") -> tuple[_Document | None, list[Issue]]:
    """Parse ``text``: the document, or None and the syntax issues."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [Issue(ErrorCode.SYNTAX, "", f"{source}: the file is empty")]
        lines: dict[str, int] = {}
        dupes: list[tuple[str, str, int]] = []
        _walk(node, "", lines, dupes)
        if dupes:
            return None, [Issue(ErrorCode.DUPLICATE, p, f"{source}:{line}: {reason}") for p, reason, line in dupes]
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [Issue(ErrorCode.SYNTAX, "", f"{where}: YAML syntax error: {problem}")]
    finally:
        loader.dispose()
    return _Document(data, lines, source), []


_PYDANTIC_CODES = {
    "missing": ErrorCode.MISSING,
    "extra_forbidden": ErrorCode.NOT_ALLOWED,
    "enum": ErrorCode.CODELIST_VIOLATION,
    "literal_error": ErrorCode.CODELIST_VIOLATION,
}


def _pointer(loc: Iterable[Any]) -> str:
    return "".join(f"/{escape(str(part))}" for part in loc)


def _pydantic_issues(error: ValidationError, doc: _Document) -> list[Issue]:
    out = []
    for err in error.errors(include_url=False):
        if err["type"] == DUPLICATE_ERROR:
            continue  # reported by the loader with the duplicate's own pointer
        pointer = _pointer(err["loc"])
        message = err["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        if err["type"] == "extra_forbidden":
            message = f"unknown field {str(err['loc'][-1])!r}"
        elif err["type"] == "missing":
            message = f"field {str(err['loc'][-1])!r} is required"
        out.append(doc.issue(_PYDANTIC_CODES.get(err["type"], ErrorCode.RULE_VIOLATION), pointer, message))
    return out


def _duplicates(doc: _Document, key: str, field: str, what: str) -> list[Issue]:
    out = []
    entries = doc.data.get(key) if isinstance(doc.data, Mapping) else None
    if not isinstance(entries, list):
        return out
    first: dict[str, int] = {}
    for n, entry in enumerate(entries):
        if not isinstance(entry, Mapping) or not isinstance(entry.get(field), str):
            continue
        value = entry[field].replace(" ", "").replace(".", "") if field == "hs" else entry[field]
        if value in first:
            out.append(
                doc.issue(ErrorCode.DUPLICATE, f"/{key}/{n}/{field}", f"{what} {value} is already used by {key}/{first[value]}")
            )
        else:
            first[value] = n
    return out


def _ruleset(doc: _Document) -> tuple[RuleSet | None, list[Issue]]:
    data = doc.data
    issues: list[Issue] = []
    model: RuleSet | None = None
    try:
        model = RuleSet.model_validate(data)
    except ValidationError as exc:
        issues.extend(_pydantic_issues(exc, doc))
    issues.extend(_duplicates(doc, "rules", "id", "rule id"))
    # Conditions are checked on the raw data, so their problems are reported with the others.
    lists = data.get("lists") if isinstance(data.get("lists"), Mapping) else {}
    compiled: list[CompiledRule] = []
    raw_rules = data.get("rules")
    if isinstance(raw_rules, list):
        for n, raw in enumerate(raw_rules):
            if not isinstance(raw, Mapping) or "when" not in raw or raw["when"] is None:
                continue
            node, problems = compile_condition(raw["when"], f"/rules/{n}/when", lists)
            issues.extend(doc.issue(p.code, p.pointer, p.reason) for p in problems)
            if node is not None and model is not None:
                compiled.append(CompiledRule(model.rules[n], node))
    if issues or model is None:
        return None, issues
    model._compiled = tuple(compiled)
    model._source = doc.source
    return model, []


def _prices(doc: _Document) -> tuple[ReferencePrices | None, list[Issue]]:
    issues = _duplicates(doc, "prices", "hs", "HS code")
    try:
        model = ReferencePrices.model_validate(doc.data)
    except ValidationError as exc:
        return None, _pydantic_issues(exc, doc) + issues
    return (None, issues) if issues else (model, [])


def load_document(text: str, source: str = "<text>") -> RuleSet | ReferencePrices:
    """A rule set or a reference price table from YAML text (told apart by the top key ``ruleset`` or
    ``reference_prices``). Raises :class:`Rejected` with every problem."""
    loaded, issues = _load(text, source)
    if issues:
        raise Rejected(issues, f"{source} was rejected: {len(issues)} problem(s)")
    assert loaded is not None
    return loaded


def _load(text: str, source: str) -> tuple[RuleSet | ReferencePrices | None, list[Issue]]:
    doc, issues = parse_yaml(text, source)
    if doc is None:
        return None, issues
    return _from_document(doc)


def _from_document(doc: _Document) -> tuple[RuleSet | ReferencePrices | None, list[Issue]]:
    if not isinstance(doc.data, Mapping):
        return None, [doc.issue(ErrorCode.RULE_VIOLATION, "", "the file must hold a mapping (ruleset: ... or reference_prices: ...)")]
    if "ruleset" in doc.data:
        return _ruleset(doc)
    if "reference_prices" in doc.data:
        return _prices(doc)
    return None, [doc.issue(ErrorCode.MISSING, "/ruleset", "the file must start with ruleset: <id> or reference_prices: <id>")]


def load_ruleset_text(text: str, source: str = "<text>") -> RuleSet:
    """One rule set version from YAML text."""
    loaded = load_document(text, source)
    if not isinstance(loaded, RuleSet):
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/ruleset", f"{source}: is a reference price table, not a rule set")
    return loaded


def load_ruleset_file(path: str | Path) -> RuleSet:
    path = Path(path)
    return load_ruleset_text(path.read_text(encoding="utf-8"), path.name)


def load_ruleset_data(data: Mapping[str, Any], source: str = "<data>") -> RuleSet:
    """One rule set version from plain Python data (pointers are given without line numbers)."""
    loaded, issues = _from_document(_Document(data, {}, source))
    if issues:
        raise Rejected(issues, f"{source} was rejected: {len(issues)} problem(s)")
    if not isinstance(loaded, RuleSet):
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/ruleset", f"{source}: is not a rule set")
    return loaded


def load_reference_prices_text(text: str, source: str = "<text>") -> ReferencePrices:
    loaded = load_document(text, source)
    if not isinstance(loaded, ReferencePrices):
        raise Rejected.one(ErrorCode.RULE_VIOLATION, "/reference_prices", f"{source}: is not a reference price table")
    return loaded


def compile_ruleset(ruleset: RuleSet) -> tuple[CompiledRule, ...]:
    """Compile the conditions of a rule set built without the loader; Rejected when one is invalid."""
    issues: list[Issue] = []
    compiled = []
    for n, rule in enumerate(ruleset.rules):
        node, problems = compile_condition(rule.when, f"/rules/{n}/when", ruleset.lists)
        issues.extend(problems)
        if node is not None:
            compiled.append(CompiledRule(rule, node))
    if issues:
        raise Rejected(issues, f"rule set {ruleset.ruleset} {ruleset.version} has invalid conditions")
    return tuple(compiled)


def _yaml_files(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()))
        else:
            files.append(path)
    return files


def load_rulebook(*paths: str | Path) -> "RuleBook":
    """A :class:`RuleBook` from rule set and reference price files (directories: every ``*.yaml`` in them).

    Every file is read and checked before anything is raised, so one :class:`Rejected` lists the problems of
    all files (and duplicate versions across them)."""
    from eucustoms.systems.risk.criteria.engine import RuleBook

    issues: list[Issue] = []
    loaded: list[RuleSet | ReferencePrices] = []
    for file in _yaml_files(paths):
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            issues.append(Issue(ErrorCode.NOT_FOUND, "", f"{file}: cannot be read: {exc.strerror or exc}"))
            continue
        item, problems = _load(text, file.name)
        issues.extend(problems)
        if item is not None:
            loaded.append(item)
    book = RuleBook()
    for item in loaded:
        try:
            if isinstance(item, RuleSet):
                book.add(item)
            else:
                book.add_prices(item)
        except Rejected as exc:
            issues.extend(exc.issues)
    if issues:
        raise Rejected(issues, f"the rule book was rejected: {len(issues)} problem(s)")
    return book


def shipped_rules_dir() -> Path:
    """The directory of the illustrative rule sets shipped with the package."""
    return Path(str(resources.files(RULES_PACKAGE)))


def shipped_rulebook() -> "RuleBook":
    """The illustrative rule sets and reference prices shipped in ``eucustoms/systems/risk/rules``."""
    return load_rulebook(shipped_rules_dir())
