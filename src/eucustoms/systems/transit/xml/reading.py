"""Reading NCTS messages: the safe parse, the schema validation and the conversion to the dict form.

Every problem becomes an :class:`XmlError` (with the CL030 XML error code a CC917C needs, the line and the
column) and an :class:`~eucustoms.core.errors.Issue` (with the functional code of ``ErrorCode``):

- the carrier is unusable (too big, not well-formed, a DOCTYPE, too deep): ``SYNTAX``;
- an element or attribute is missing: ``13``; one is not allowed where it is: ``15``;
- a value breaks its type (pattern, length, code list, range, digits): ``12``;
- the root is not the expected type (or no NCTS phase 5 message at all): ``12`` at pointer ``/``;
- ``messageType`` differs from the root element: ``14``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from lxml import etree

from eucustoms.core.errors import ErrorCode, Issue, Rejected
from eucustoms.systems.transit.xml import model
from eucustoms.systems.transit.xml.model import Content, Decl
from eucustoms.systems.transit.xml.schema import MESSAGE_TYPES, NS, validator

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32  # NCTS messages nest 8 deep at most; the rest is headroom for Extensions
XSI = "http://www.w3.org/2001/XMLSchema-instance"

# Depth checked in C: is there any element MAX_DEPTH + 1 levels down?
_too_deep = etree.XPath("boolean(" + "/*" * (MAX_DEPTH + 1) + ")")


@dataclass(frozen=True)
class XmlError:
    """One XML-level problem, as a CC917C XMLError reports it (CL030 ``XmlErrorCodes``)."""

    code: str  # CL030: 12 enumeration, 13 missing, 15 not in this position, 18 other, 39/40 too long/short, 50-57
    pointer: str
    reason: str
    line: int = 0
    column: int = 0
    functional_code: str = ErrorCode.CODELIST_VIOLATION

    def issue(self) -> Issue:
        where = f" (line {self.line})" if self.line else ""
        return Issue(self.functional_code, self.pointer, self.reason + where)


class XmlRejected(Rejected):
    """A rejected NCTS message: ``issues`` as for any rejection, ``errors`` with the XML details (CC917C)."""

    def __init__(self, errors: list[XmlError], message: str = "the NCTS message was rejected"):
        self.errors = errors
        super().__init__([e.issue() for e in errors], message)


@dataclass(frozen=True)
class Message:
    """A parsed, schema-valid NCTS message: its type (``CC015C``), its content as a dict and the bytes read."""

    type: str
    data: dict
    raw: bytes


# -- safe parsing ---------------------------------------------------------------------------------------

def _new_parser() -> etree.XMLParser:
    # No DTD, no entity expansion, no network, libxml2's default limits (huge_tree off: depth 256, text 10 MB).
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
        remove_blank_text=True, remove_comments=True, remove_pis=True, collect_ids=False,
    )


_local = threading.local()
_PARSER_REUSE = 1000


def _parser() -> etree.XMLParser:
    """This thread's parser: reusing one halves the parse time of a 10 KB message (lxml parsers must not
    be shared between threads). It is renewed now and then so that its error log cannot grow without end."""
    uses = getattr(_local, "uses", _PARSER_REUSE)
    if uses >= _PARSER_REUSE:
        _local.parser = _new_parser()
        uses = 0
    _local.uses = uses + 1
    return _local.parser


def _syntax(reason: str, line: int = 0, column: int = 0, code: str = "52") -> XmlError:
    return XmlError(code, "/", reason, line, column, ErrorCode.SYNTAX)


def _load(xml: bytes) -> tuple[etree._Element | None, list[XmlError]]:
    if not isinstance(xml, (bytes, bytearray, memoryview)):
        return None, [_syntax(f"the message must be bytes, not {type(xml).__name__}", code="18")]
    xml = bytes(xml)
    if len(xml) > MAX_BYTES:
        return None, [_syntax(f"the message has {len(xml):,} bytes, more than the limit of {MAX_BYTES:,}", code="18")]
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        # Refused before parsing: no DTD, no entity declaration is ever looked at (XXE, billion laughs).
        return None, [_syntax("a DOCTYPE or entity declaration is not allowed in an NCTS message")]
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError:
        # Read again with a fresh parser: its error log holds this document's errors and nothing older.
        _local.uses = _PARSER_REUSE
        fresh = _new_parser()
        try:
            etree.fromstring(xml, fresh)
        except etree.XMLSyntaxError as exc:
            # The parser's own log: the exception's log also carries this thread's earlier failures.
            errors = [_syntax(e.message.strip(), e.line, e.column) for e in fresh.error_log if e.level_name != "WARNING"]
            return None, errors or [_syntax(str(exc))]
        return None, [_syntax("the message is not well-formed XML")]  # not reached: the same bytes fail again
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        # Only reachable with an encoding that hid the declaration from the byte scan (UTF-16); the parser
        # did not expand anything (resolve_entities=False), but the document is refused all the same.
        return None, [_syntax("a DOCTYPE or entity declaration is not allowed in an NCTS message")]
    if _too_deep(root):
        return None, [_syntax(f"the message nests elements more than {MAX_DEPTH} levels deep", code="18")]
    return root, []


# -- schema errors --------------------------------------------------------------------------------------

_SEGMENT = re.compile(r"^(?:[^:/\[\]]+:)?([^:/\[\]]+)(?:\[(\d+)\])?$")
_ATTRIBUTE = re.compile(r"^Element '[^']*', attribute '([^']+)'")
_EXPECTED = re.compile(r"Expected is (?:one of )?\( ([^()]*) \)")
_LENGTHS = re.compile(r"has a length of '(\d+)'; this differs from the allowed length of '(\d+)'")
_SET = re.compile(r"\{('[^']*'(?:, '[^']*'){9,})\}")

# libxml2 error type -> (CL030 code, functional code)
_CODES: dict[str, tuple[str, str]] = {
    "SCHEMAV_CVC_PATTERN_VALID": ("51", ErrorCode.CODELIST_VIOLATION),
    "SCHEMAV_CVC_ENUMERATION_VALID": ("12", ErrorCode.CODELIST_VIOLATION),
    "SCHEMAV_CVC_MAXLENGTH_VALID": ("39", ErrorCode.CODELIST_VIOLATION),
    "SCHEMAV_CVC_MINLENGTH_VALID": ("40", ErrorCode.CODELIST_VIOLATION),
    "SCHEMAV_CVC_MININCLUSIVE_VALID": ("54", ErrorCode.CODELIST_VIOLATION),
    "SCHEMAV_CVC_MAXINCLUSIVE_VALID": ("55", ErrorCode.CODELIST_VIOLATION),
    "SCHEMAV_CVC_MINEXCLUSIVE_VALID": ("56", ErrorCode.CODELIST_VIOLATION),
    "SCHEMAV_CVC_MAXEXCLUSIVE_VALID": ("57", ErrorCode.CODELIST_VIOLATION),
    "SCHEMAV_CVC_TOTALDIGITS_VALID": ("50", ErrorCode.CODELIST_VIOLATION),
    "SCHEMAV_CVC_FRACTIONDIGITS_VALID": ("50", ErrorCode.CODELIST_VIOLATION),
    "SCHEMAV_CVC_DATATYPE_VALID_1_2_1": ("50", ErrorCode.CODELIST_VIOLATION),
    "SCHEMAV_CVC_COMPLEX_TYPE_2_3": ("15", ErrorCode.NOT_ALLOWED),  # text inside an element-only element
    "SCHEMAV_CVC_COMPLEX_TYPE_3_2_1": ("15", ErrorCode.NOT_ALLOWED),  # attribute not allowed
    "SCHEMAV_CVC_COMPLEX_TYPE_3_2_2": ("15", ErrorCode.NOT_ALLOWED),
    "SCHEMAV_CVC_COMPLEX_TYPE_4": ("13", ErrorCode.MISSING),  # required attribute missing
    "SCHEMAV_CVC_TYPE_3_1_1": ("15", ErrorCode.NOT_ALLOWED),  # attribute on a simple-typed element
    "SCHEMAV_CVC_TYPE_3_1_2": ("15", ErrorCode.NOT_ALLOWED),  # child element in a simple-typed element
}


def _codes(error: Any) -> tuple[str, str]:
    if error.type_name == "SCHEMAV_ELEMENT_CONTENT":
        if "Missing child element" in error.message:
            return "13", ErrorCode.MISSING
        return "15", ErrorCode.NOT_ALLOWED  # "This element is not expected": wrong place, or once too often
    if error.type_name == "SCHEMAV_CVC_LENGTH_VALID":
        found = _LENGTHS.search(error.message)
        too_long = found is not None and int(found.group(1)) > int(found.group(2))
        return ("39" if too_long else "40"), ErrorCode.CODELIST_VIOLATION
    return _CODES.get(error.type_name, ("18", ErrorCode.CODELIST_VIOLATION))


def _reason(message: str) -> str:
    text = message.strip().replace(f"{{{NS}}}", "")
    # Code lists of a hundred values say nothing to a reader: keep the first few.
    return _SET.sub(lambda m: "{" + ", ".join(m.group(1).split(", ")[:5]) + f", ... ({m.group(1).count(',') + 1} values)}}", text)


def _resolve(root: etree._Element, path: str | None) -> etree._Element | None:
    """The element libxml2's path (``/ncts:CC015C/Consignment/HouseConsignment[2]/grossMass``) names."""
    if not path or not path.startswith("/"):
        return None
    steps = path.strip("/").split("/")
    node = root
    for step in steps[1:]:
        match = _SEGMENT.match(step)
        if match is None:
            return None
        name, index = match.group(1), int(match.group(2) or 1)
        found = [c for c in node if isinstance(c.tag, str) and etree.QName(c).localname == name]
        if len(found) < index:
            return None
        node = found[index - 1]
    return node


def locate(element: etree._Element) -> tuple[str, Decl | None]:
    """Our pointer to ``element`` (local names from the root, ``[n]`` 1-based on every repeating element)
    and its declaration (None where the schema does not declare it)."""
    chain = []
    node: etree._Element | None = element
    while node is not None:
        chain.append(node)
        node = node.getparent()
    chain.reverse()
    root_name = etree.QName(chain[0]).localname
    parts = [root_name]
    decl: Decl | None = model.root(root_name) if root_name in MESSAGE_TYPES else None
    for node in chain[1:]:
        name = etree.QName(node).localname
        content = decl.content if decl is not None else None
        decl = content.children.get(name) if content is not None else None
        siblings = [c for c in node.getparent() if c.tag == node.tag]
        if (decl is not None and decl.repeated) or (decl is None and len(siblings) > 1):
            parts.append(f"{name}[{siblings.index(node) + 1}]")
        else:
            parts.append(name)
    return "/" + "/".join(parts), decl


def pointer_of(element: etree._Element) -> str:
    """Our pointer to ``element``: local names from the root, ``[n]`` (1-based) on every repeating element."""
    return locate(element)[0]


def _content_problem(element: etree._Element, error: Any) -> tuple[str, str, str, str] | None:
    """A clearer account of libxml2's content-model errors: (pointer, CL030 code, functional code, reason).

    libxml2 reports a missing required element as the *next* element being "not expected" (or as "missing
    child element(s)" at the end of the parent); an element repeated too often the same way. The declared
    structure tells the cases apart.
    """
    expected = _EXPECTED.search(error.message)
    if expected is None:
        return None
    names = [n.strip() for n in expected.group(1).split(",")]
    at_end = "Missing child element" in error.message
    parent = element if at_end else element.getparent()
    if parent is None:
        return None
    parent_pointer, parent_decl = locate(parent)
    content = parent_decl.content if parent_decl is not None else None
    if content is None:
        return None
    present = {c.tag for c in parent}
    missing = [n for n in names if n in content.children and content.children[n].min_occurs >= 1 and n not in present]
    if missing:
        name = missing[0]
        where = "at the end" if at_end else f"where {etree.QName(element).localname} was found"
        return f"{parent_pointer}/{name}", "13", ErrorCode.MISSING, f"Element '{name}' is missing ({where})"
    if not at_end:
        name = etree.QName(element).localname
        decl = content.children.get(name)
        count = sum(1 for c in parent if c.tag == element.tag)
        if decl is not None and decl.max_occurs != model.UNBOUNDED and count > decl.max_occurs:
            pointer = locate(element)[0]
            return pointer, "35", ErrorCode.NOT_ALLOWED, f"Element '{name}' occurs {count} times, at most {decl.max_occurs} allowed"
    return None


def schema_error(root: etree._Element, error: Any) -> XmlError:
    """One libxml2 validation error as an :class:`XmlError` with our pointer."""
    element = _resolve(root, error.path)
    if element is not None:
        pointer = pointer_of(element)
    else:  # cannot happen with libxml2's paths, but a pointer must never be missing
        pointer = re.sub(r"(^|/)[^/:\[\]]+:", r"\1", error.path or "/") or "/"
    if element is not None and error.type_name == "SCHEMAV_ELEMENT_CONTENT":
        better = _content_problem(element, error)
        if better is not None:
            pointer, code, functional, reason = better
            return XmlError(code, pointer, f"{reason}: {_reason(error.message)}", error.line, error.column, functional)
    attribute = _ATTRIBUTE.match(error.message)
    if attribute:
        pointer = f"{pointer.rstrip('/')}/@{attribute.group(1)}"
    code, functional = _codes(error)
    return XmlError(code, pointer, _reason(error.message), error.line, error.column, functional)


_ROOT_PREFIX = f"{{{NS}}}"


def _type_of(root: etree._Element) -> str | None:
    tag = root.tag
    if isinstance(tag, str) and tag.startswith(_ROOT_PREFIX) and tag[len(_ROOT_PREFIX):] in MESSAGE_TYPES:
        return tag[len(_ROOT_PREFIX):]
    return None


def check(xml: bytes, expected: str | Collection[str] | None = None) -> tuple[etree._Element | None, str | None, list[XmlError]]:
    """Parse and validate: (root, message type, errors). Root and type are None if nothing could be read."""
    root, errors = _load(xml)
    if root is None:
        return None, None, errors
    message_type = _type_of(root)
    if message_type is None:
        qname = etree.QName(root)
        shown = f"{{{qname.namespace}}}{qname.localname}" if qname.namespace else qname.localname
        return root, None, [XmlError(
            "15", "/", f"the root element {shown} is not an NCTS phase 5 message (namespace {NS}, one of "
            f"{', '.join(sorted(MESSAGE_TYPES))})", root.sourceline or 0, 0, ErrorCode.CODELIST_VIOLATION)]
    if expected is not None:
        allowed = {expected} if isinstance(expected, str) else set(expected)
        if message_type not in allowed:
            errors.append(XmlError(
                "15", "/", f"a {message_type} is not accepted here: expected {' or '.join(sorted(allowed))}",
                root.sourceline or 0, 0, ErrorCode.CODELIST_VIOLATION))
    with validator() as schema:
        valid = schema.validate(root)
        log = [] if valid else list(schema.error_log)  # copied while the schema is still ours
    errors.extend(schema_error(root, e) for e in log)
    declared = root.find("messageType")
    pointer = f"/{message_type}/messageType"
    if (declared is not None and declared.text and declared.text.strip() != message_type
            and not any(e.pointer == pointer for e in errors)):
        errors.append(XmlError(
            "18", pointer, f"messageType {declared.text.strip()} differs from the root element {message_type}",
            declared.sourceline or 0, 0, ErrorCode.RULE_VIOLATION))
    return root, message_type, errors


# -- dict form ------------------------------------------------------------------------------------------

def _generic_key(element: etree._Element) -> str:
    qname = etree.QName(element)
    return f"{{{qname.namespace}}}{qname.localname}" if qname.namespace else qname.localname


def _attributes(element: etree._Element, out: dict) -> None:
    for key, value in element.attrib.items():
        if key.startswith(f"{{{XSI}}}"):
            continue  # xsi:schemaLocation and the like are about the document, not its data
        out["@" + key] = value


def _generic(element: etree._Element) -> dict | str:
    """Content the schema does not describe (under ``Extensions``): names as found, a list when repeated."""
    if len(element) == 0 and not element.attrib:
        return element.text or ""
    out = _to_dict(element, _OPEN)
    if element.text and element.text.strip():
        out["#text"] = element.text  # text beside attributes or children (mixed content)
    return out


def _to_dict(element: etree._Element, content: Content) -> dict:
    out: dict[str, Any] = {}
    if element.attrib:
        _attributes(element, out)
    children = content.children
    undeclared: dict[str, list] | None = None
    for child in element:
        tag = child.tag
        decl = children.get(tag)
        if decl is None:  # only under open content (the schema accepted it)
            if undeclared is None:
                undeclared = {}
            undeclared.setdefault(_generic_key(child), []).append(_generic(child))
            continue
        if decl.content is None:
            value: Any = child.text or ""
        else:
            value = _to_dict(child, decl.content)
        if decl.repeated:
            bucket = out.get(tag)
            if bucket is None:
                out[tag] = [value]
            else:
                bucket.append(value)
        else:
            out[tag] = value
    if undeclared:
        for key, values in undeclared.items():
            out[key] = values if len(values) > 1 else values[0]
    return out


_OPEN = Content(type_name="(undeclared)", open=True)


def to_dict(root: etree._Element, message_type: str) -> dict:
    """The dict form of a valid message (see the package documentation for the rules)."""
    content = model.root(message_type).content
    assert content is not None
    return _to_dict(root, content)


# -- the API --------------------------------------------------------------------------------------------

def parse(xml: bytes, expected: str | Collection[str] | None = None) -> Message:
    """Parse, validate and convert an NCTS message; :class:`XmlRejected` (a ``Rejected``) lists every error."""
    root, message_type, errors = check(xml, expected)
    if errors:
        raise XmlRejected(errors, f"the {message_type or 'NCTS'} message was rejected")
    assert root is not None and message_type is not None
    return Message(message_type, to_dict(root, message_type), bytes(xml))


def validate(xml: bytes, expected: str | Collection[str] | None = None) -> list[Issue]:
    """The issues :func:`parse` would raise, returned (empty: the message is valid)."""
    return [e.issue() for e in check(xml, expected)[2]]


def xml_errors(xml: bytes, expected: str | Collection[str] | None = None) -> list[XmlError]:
    """The same problems with CL030 codes, lines and columns: what a CC917C (XML NACK) reports."""
    return check(xml, expected)[2]
