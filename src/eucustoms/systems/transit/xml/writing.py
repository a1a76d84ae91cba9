"""Rendering NCTS messages: the dict form to XML, children in the schema's sequence order whatever the
dict's order, leaf values formatted as the XSD types want, the result validated before it is returned.

A message we render is our own output: anything wrong with it is a programming error, so the problems are
raised as :class:`RenderError` (a ``ValueError``) carrying the same ``Issue`` list a rejection would.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from lxml import etree

from eucustoms.core.errors import ErrorCode, Issue
from eucustoms.systems.transit.xml import model
from eucustoms.systems.transit.xml.model import Content, Decl
from eucustoms.systems.transit.xml.reading import schema_error
from eucustoms.systems.transit.xml.schema import MESSAGE_TYPES, NS, validator


class RenderError(ValueError):
    """The data does not make a valid message; ``issues`` says where and why."""

    def __init__(self, message_type: str, issues: list[Issue]):
        self.message_type = message_type
        self.issues = issues
        listing = "; ".join(f"{i.pointer}: {i.reason}" for i in issues[:20])
        more = f" (and {len(issues) - 20} more)" if len(issues) > 20 else ""
        super().__init__(f"cannot render a valid {message_type}: {listing}{more}")


def format_value(value: Any, base: str | None = None) -> str:
    """A leaf value as the XSD wants it.

    str as is; bool as the CL027 flag ``1``/``0``; int as digits; Decimal and float plain (no exponent);
    datetime as ``YYYY-MM-DDThh:mm:ss`` in UTC without a zone (an aware datetime is converted, a naive one is
    taken as UTC), or as a date where the element is an ``xs:date``; date as ``YYYY-MM-DD``; an Enum by its value.
    """
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str):
        return str.__str__(value)  # a plain str even for identifier subclasses (MRN, EORI, ...)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise TypeError(f"{value} is not a number an XML message can carry")
        return format(value, "f")
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        if base == "date":
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat(timespec="seconds")
    if isinstance(value, date):
        if base == "dateTime":
            raise TypeError(f"a date ({value}) where a date and time is wanted")
        return value.isoformat()
    raise TypeError(f"cannot put a {type(value).__name__} in an XML message")


def _problem(problems: list[Issue], code: str, pointer: str, reason: str) -> None:
    problems.append(Issue(code, pointer, reason))


def _set_text(element: etree._Element, value: Any, base: str | None, pointer: str, problems: list[Issue]) -> None:
    try:
        element.text = format_value(value, base)
    except (TypeError, ValueError) as exc:  # ValueError: lxml refuses characters XML cannot hold
        _problem(problems, ErrorCode.CODELIST_VIOLATION, pointer, str(exc))


def _set_attribute(element: etree._Element, key: str, value: Any, pointer: str, problems: list[Issue]) -> None:
    try:
        element.set(key[1:], format_value(value))
    except (TypeError, ValueError) as exc:
        _problem(problems, ErrorCode.CODELIST_VIOLATION, f"{pointer}/{key}", str(exc))


def _generic(parent: etree._Element, key: str, value: Any, pointer: str, problems: list[Issue]) -> None:
    """Undeclared content (under ``Extensions``): ``{namespace}name`` or ``name`` keys, lists repeat."""
    items = value if isinstance(value, (list, tuple)) else [value]
    for n, item in enumerate(items, 1):
        where = f"{pointer}/{key}" + (f"[{n}]" if isinstance(value, (list, tuple)) else "")
        try:
            child = etree.SubElement(parent, key)
        except ValueError as exc:
            _problem(problems, ErrorCode.NOT_ALLOWED, where, str(exc))
            continue
        if isinstance(item, Mapping):
            for sub, subvalue in item.items():
                if sub == "#text":
                    _set_text(child, subvalue, None, where, problems)
                elif sub.startswith("@"):
                    _set_attribute(child, sub, subvalue, where, problems)
                elif subvalue is not None:
                    _generic(child, sub, subvalue, where, problems)
        elif item is not None:
            _set_text(child, item, None, where, problems)


def _fill(element: etree._Element, data: Any, content: Content, pointer: str, problems: list[Issue]) -> None:
    if type(data) is not dict and not isinstance(data, Mapping):
        _problem(problems, ErrorCode.CODELIST_VIOLATION, pointer, f"expected a dict of child elements, got {type(data).__name__}")
        return
    children = content.children
    for key, value in data.items():
        if key in children:
            continue
        if not isinstance(key, str):
            _problem(problems, ErrorCode.NOT_ALLOWED, pointer, f"key {key!r} is not a string")
        elif key.startswith("@"):
            if key[1:] in content.attributes or content.open:
                if value is not None:
                    _set_attribute(element, key, value, pointer, problems)
            else:
                _problem(problems, ErrorCode.NOT_ALLOWED, f"{pointer}/{key}", f"{content.type_name} has no attribute {key[1:]!r}")
        elif key == "#text" and content.open:
            if value is not None:
                _set_text(element, value, None, pointer, problems)
        elif content.open:
            if value is not None:
                _generic(element, key, value, pointer, problems)
        else:
            expected = ", ".join(content.order) or "no child elements"
            _problem(problems, ErrorCode.NOT_ALLOWED, f"{pointer}/{key}", f"{key!r} is not an element of {content.type_name} (expected: {expected})")
    # Children in the schema's order, whatever the dict's. (Undeclared children of open content were added
    # above: xs:any comes last in ExtensionType, the only open content of these schemas.)
    for name in content.order:
        value = data.get(name)
        if value is not None:
            _element(element, children[name], value, f"{pointer}/{name}", problems)


def _element(parent: etree._Element, decl: Decl, value: Any, pointer: str, problems: list[Issue]) -> None:
    if decl.repeated:
        if type(value) is not list and (isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple))):
            _problem(problems, ErrorCode.CODELIST_VIOLATION, pointer, f"{decl.name} repeats: give a list, not a {type(value).__name__}")
            return
        items = [(f"{pointer}[{n}]", item) for n, item in enumerate(value, 1)]
    else:
        if type(value) is list or type(value) is tuple:
            _problem(problems, ErrorCode.CODELIST_VIOLATION, pointer, f"{decl.name} occurs at most once: give a single value, not a list")
            return
        items = [(pointer, value)]
    name, content = decl.name, decl.content
    for where, item in items:
        if item is None:
            _problem(problems, ErrorCode.MISSING, where, "None in a list of elements")
            continue
        child = etree.SubElement(parent, name)
        if content is not None:
            _fill(child, item, content, where, problems)
        elif type(item) is str:
            try:
                child.text = item
            except ValueError as exc:  # characters XML cannot hold
                _problem(problems, ErrorCode.CODELIST_VIOLATION, where, str(exc))
        elif isinstance(item, (Mapping, list, tuple)):
            _problem(problems, ErrorCode.CODELIST_VIOLATION, where, f"{name} is a value ({decl.base}), not a {type(item).__name__}")
        else:
            _set_text(child, item, decl.base, where, problems)


def _project(data: Any, content: Content) -> Any:
    if not isinstance(data, Mapping):
        return data
    out: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            continue
        if key.startswith("@"):
            if key[1:] in content.attributes or content.open:
                out[key] = value
            continue
        decl = content.children.get(key)
        if decl is None:
            if content.open:
                out[key] = value
            continue
        if decl.content is None or value is None:
            out[key] = value
        elif isinstance(value, (list, tuple)):
            out[key] = [_project(item, decl.content) for item in value]
        else:
            out[key] = _project(value, decl.content)
    return out


def project(message_type: str, data: Mapping[str, Any]) -> dict:
    """``data`` without what ``message_type`` does not declare (at any depth): to re-use the data of one
    message in another (a CC015C's consignment in the CC029C that releases it). Nothing is added or checked."""
    if message_type not in MESSAGE_TYPES:
        raise ValueError(f"no NCTS phase 5 schema for message type {message_type!r}")
    content = model.root(message_type).content
    assert content is not None
    return _project(data, content)


def build(message_type: str, data: Mapping[str, Any]) -> etree._Element:
    """The element tree of the message (not validated); :class:`RenderError` if the dict does not fit the schema."""
    if message_type not in MESSAGE_TYPES:
        raise ValueError(f"no NCTS phase 5 schema for message type {message_type!r}")
    content = model.root(message_type).content
    assert content is not None
    root = etree.Element(f"{{{NS}}}{message_type}", nsmap={"ncts": NS})
    problems: list[Issue] = []
    _fill(root, data, content, f"/{message_type}", problems)
    if problems:
        raise RenderError(message_type, problems)
    return root


def render(message_type: str, data: Mapping[str, Any], *, pretty: bool = False) -> bytes:
    """The message as UTF-8 bytes with an XML declaration, validated against its schema (else RenderError)."""
    root = build(message_type, data)
    with validator() as schema:
        valid = schema.validate(root)
        log = [] if valid else list(schema.error_log)
    if log:
        raise RenderError(message_type, [schema_error(root, e).issue() for e in log])
    declared = data.get("messageType")
    if declared is not None and format_value(declared) != message_type:
        raise RenderError(message_type, [Issue(ErrorCode.RULE_VIOLATION, f"/{message_type}/messageType", f"messageType {declared} differs from {message_type}")])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=pretty)
