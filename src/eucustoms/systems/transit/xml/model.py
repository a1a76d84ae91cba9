"""The structure of each message, read from the XSD files: for every element, its children in sequence
order, which of them repeat (maxOccurs > 1, hence always a list in the dict form), which are leaves and
the XSD built-in type a leaf derives from (to format dates, datetimes and decimals when rendering).

Only what the NCTS schemas use is supported: sequences (and choices), group references, named and
anonymous complex types, complex-content extensions, attributes and ``xs:any`` (the ``Extensions``
element, whose content is open and kept generically). Everything is built lazily per type and cached.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from eucustoms.systems.transit.xml.schema import (
    EDS_DIR,
    MESSAGE_TYPES,
    NS,
    XS,
    XSD_DIR,
    xsd_parser,
)

_XS = f"{{{XS}}}"
UNBOUNDED = -1


@dataclass(eq=False)
class Content:
    """The content of a complex type: child declarations in sequence order, attribute names, open content."""

    type_name: str
    order: list[str] = field(default_factory=list)
    children: dict[str, Decl] = field(default_factory=dict)
    attributes: list[str] = field(default_factory=list)
    open: bool = False  # xs:any: children not declared by the schema are allowed (and kept generically)


@dataclass(frozen=True, eq=False)
class Decl:
    """One element declaration in its context. ``content`` is None for a leaf (simple type)."""

    name: str
    min_occurs: int
    max_occurs: int  # UNBOUNDED (-1) for "unbounded"
    content: Content | None
    base: str | None = None  # the XSD built-in a leaf's type derives from: "date", "dateTime", "decimal", ...
    type_name: str | None = None
    repeated: bool = field(init=False)  # maxOccurs > 1: always a list in the dict form (stored: read per element)

    def __post_init__(self) -> None:
        object.__setattr__(self, "repeated", self.max_occurs == UNBOUNDED or self.max_occurs > 1)


def _occurs(node: etree._Element, attr: str, default: int) -> int:
    value = node.get(attr)
    if value is None:
        return default
    return UNBOUNDED if value == "unbounded" else int(value)


def _times(a: int, b: int) -> int:
    return UNBOUNDED if UNBOUNDED in (a, b) else a * b


class _Index:
    """Top-level declarations of every schema file, by (namespace, name)."""

    def __init__(self) -> None:
        self.complex: dict[tuple[str, str], etree._Element] = {}
        self.simple: dict[tuple[str, str], etree._Element] = {}
        self.groups: dict[tuple[str, str], etree._Element] = {}
        self.elements: dict[tuple[str, str], etree._Element] = {}
        self.attribute_groups: dict[tuple[str, str], etree._Element] = {}
        self._contents: dict[tuple[str, str], Content] = {}
        self._lock = threading.RLock()
        parser = xsd_parser()
        for path in sorted(XSD_DIR.glob("*.xsd")) + sorted(EDS_DIR.glob("*.xsd")):
            root = etree.parse(str(path), parser).getroot()
            tns = root.get("targetNamespace", "")
            for node in root:
                name = node.get("name")
                if name is None:
                    continue
                table = {
                    f"{_XS}complexType": self.complex, f"{_XS}simpleType": self.simple, f"{_XS}group": self.groups,
                    f"{_XS}element": self.elements, f"{_XS}attributeGroup": self.attribute_groups,
                }.get(node.tag)
                if table is not None:
                    table.setdefault((tns, name), node)

    @staticmethod
    def qname(node: etree._Element, value: str) -> tuple[str, str]:
        """Resolve a QName attribute value (``xs:token``, ``extensions:ExtensionType``) in ``node``'s scope."""
        prefix, _, local = value.rpartition(":")
        return (node.nsmap.get(prefix or None) or ""), local

    # -- simple types ------------------------------------------------------------------------------------
    def builtin(self, key: tuple[str, str]) -> str:
        """The XSD built-in type a simple type derives from (by restriction; lists and unions count as token)."""
        seen = set()
        while key[0] != XS:
            if key in seen or key not in self.simple:
                return "token"
            seen.add(key)
            node = self.simple[key]
            restriction = node.find(f"{_XS}restriction")
            if restriction is None or restriction.get("base") is None:
                return "token"
            key = self.qname(restriction, restriction.get("base"))
        return key[1]

    # -- complex types -----------------------------------------------------------------------------------
    def content_of_type(self, key: tuple[str, str]) -> Content:
        with self._lock:
            if key not in self._contents:
                content = Content(type_name=key[1])
                self._contents[key] = content  # before filling: a recursive type then refers to itself
                self._fill(content, self.complex[key])
            return self._contents[key]

    def _fill(self, content: Content, ctype: etree._Element) -> None:
        for node in ctype:
            tag = node.tag
            if tag in (f"{_XS}sequence", f"{_XS}choice", f"{_XS}all", f"{_XS}group"):
                self._particle(content, node, 1)
            elif tag == f"{_XS}complexContent":
                derivation = node[0] if len(node) and node[0].tag != f"{_XS}annotation" else node.find(f"{_XS}*[@base]")
                if derivation is None:
                    raise NotImplementedError(f"complexContent without a derivation in {content.type_name}")
                if derivation.tag == f"{_XS}extension":
                    base = self.content_of_type(self.qname(derivation, derivation.get("base")))
                    content.order.extend(base.order)
                    content.children.update(base.children)
                    content.attributes.extend(base.attributes)
                    content.open = content.open or base.open
                self._fill(content, derivation)
            elif tag == f"{_XS}attribute":
                name = node.get("name") or self.qname(node, node.get("ref"))[1]
                if node.get("use") != "prohibited" and name not in content.attributes:
                    content.attributes.append(name)
            elif tag == f"{_XS}attributeGroup":
                self._fill(content, self.attribute_groups[self.qname(node, node.get("ref"))])
            elif tag == f"{_XS}simpleContent":
                raise NotImplementedError(f"simpleContent is not used by NCTS messages ({content.type_name})")

    def _particle(self, content: Content, node: etree._Element, factor: int) -> None:
        tag = node.tag
        if tag == f"{_XS}group" and node.get("ref"):
            factor = _times(factor, _occurs(node, "maxOccurs", 1))
            group = self.groups[self.qname(node, node.get("ref"))]
            for child in group:
                if child.tag in (f"{_XS}sequence", f"{_XS}choice", f"{_XS}all"):
                    self._particle(content, child, factor)
            return
        factor = _times(factor, _occurs(node, "maxOccurs", 1))
        for child in node:
            if child.tag == f"{_XS}element":
                self._element(content, child, factor)
            elif child.tag in (f"{_XS}sequence", f"{_XS}choice", f"{_XS}all", f"{_XS}group"):
                self._particle(content, child, factor)
            elif child.tag == f"{_XS}any":
                content.open = True

    def _element(self, content: Content, node: etree._Element, factor: int) -> None:
        if node.get("ref"):
            key = self.qname(node, node.get("ref"))
            target = self.elements[key]
            decl = self.declaration(target, _occurs(node, "minOccurs", 1), _times(factor, _occurs(node, "maxOccurs", 1)))
        else:
            decl = self.declaration(node, _occurs(node, "minOccurs", 1), _times(factor, _occurs(node, "maxOccurs", 1)))
        if decl.name in content.children:
            # The same name twice in one content model: in the dict form it can only be a list.
            decl = Decl(decl.name, 0, UNBOUNDED, decl.content, decl.base, decl.type_name)
        else:
            content.order.append(decl.name)
        content.children[decl.name] = decl

    def declaration(self, node: etree._Element, min_occurs: int, max_occurs: int) -> Decl:
        name = node.get("name")
        type_ref = node.get("type")
        if type_ref is not None:
            key = self.qname(node, type_ref)
            if key in self.complex:
                return Decl(name, min_occurs, max_occurs, self.content_of_type(key), None, key[1])
            base = key[1] if key[0] == XS else self.builtin(key)
            if key[0] != XS and key not in self.simple:
                raise KeyError(f"type {type_ref!r} of element {name!r} is not declared")
            return Decl(name, min_occurs, max_occurs, None, base, key[1])
        inline = node.find(f"{_XS}complexType")
        if inline is not None:
            content = Content(type_name=f"{name} (anonymous)")
            self._fill(content, inline)
            return Decl(name, min_occurs, max_occurs, content)
        inline = node.find(f"{_XS}simpleType")
        if inline is not None:
            restriction = inline.find(f"{_XS}restriction")
            base = self.builtin(self.qname(restriction, restriction.get("base"))) if restriction is not None else "token"
            return Decl(name, min_occurs, max_occurs, None, base)
        return Decl(name, min_occurs, max_occurs, None, "anyType")  # no type: anything, kept as text


_index: _Index | None = None
_roots: dict[str, Decl] = {}
_lock = threading.Lock()


def _get_index() -> _Index:
    global _index
    with _lock:
        if _index is None:
            _index = _Index()
        return _index


def root(message_type: str) -> Decl:
    """The declaration of the root element ``message_type`` (``CC015C``), with its whole structure."""
    decl = _roots.get(message_type)
    if decl is None:
        if message_type not in MESSAGE_TYPES:
            raise KeyError(f"no NCTS phase 5 schema for message type {message_type!r}")
        index = _get_index()
        decl = index.declaration(index.elements[(NS, message_type)], 1, 1)
        _roots[message_type] = decl
    return decl


def repeated_paths(message_type: str) -> list[str]:
    """Every path (``/CC015C/Consignment/HouseConsignment``) whose element is a list in the dict form."""
    return [path for path, decl in walk(message_type) if decl.repeated]


def walk(message_type: str) -> Iterator[tuple[str, Decl]]:
    """(path, declaration) of every element of the message, depth first, in sequence order."""

    def visit(path: str, decl: Decl, seen: tuple[str, ...]) -> Iterator[tuple[str, Decl]]:
        yield path, decl
        if decl.content is not None and decl.content.type_name not in seen:
            for name in decl.content.order:
                yield from visit(f"{path}/{name}", decl.content.children[name], seen + (decl.content.type_name,))

    top = root(message_type)
    yield from visit(f"/{message_type}", top, ())


def outline(message_type: str) -> str:
    """A readable tree of the message: ``name [min..max]`` per line, leaves with their XSD type."""
    lines = []
    for path, decl in walk(message_type):
        depth = path.count("/") - 1
        most = "*" if decl.max_occurs == UNBOUNDED else str(decl.max_occurs)
        kind = "" if decl.content is not None else f"  ({decl.type_name or decl.base})"
        marker = "  (list)" if decl.repeated else ""
        lines.append(f"{'  ' * depth}{decl.name} [{decl.min_occurs}..{most}]{marker}{kind}")
    return "\n".join(lines)
