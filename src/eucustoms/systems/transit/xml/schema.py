"""Where the NCTS phase 5 XSDs live, which message types have one, and the compiled schema.

All the message schemas are compiled together into one schema set (an in-memory schema that includes every
``ccNNNc.xsd``): each of them includes the 900 KB ``ctypes.xsd``, so one compiled schema per type would cost
about 9 MB each (≈ 300 MB for all of them) where the set costs 10 MB once. A document is validated against
the global declaration of its root element, i.e. exactly against its own type's schema.

lxml keeps the error log on the schema object, so one compiled schema must not validate two documents at
the same time. Validators are therefore lent out from a small pool, compiled lazily (once in a
single-threaded process, at most once per concurrently validating thread otherwise, never more than
:data:`POOL_SIZE`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from lxml import etree

NS = "http://ncts.dgtaxud.ec"
XS = "http://www.w3.org/2001/XMLSchema"
XSD_DIR = Path(__file__).resolve().parent / "xsd" / "xsd"
EDS_DIR = Path(__file__).resolve().parent / "xsd" / "EDS"

#: Every message type with a schema here ("CC004C", ...), from the file names (cc004c.xsd -> CC004C).
MESSAGE_TYPES: frozenset[str] = frozenset(
    p.stem.upper() for p in XSD_DIR.glob("cc*.xsd") if len(p.stem) == 6 and p.stem[2:5].isdigit()
)

POOL_SIZE = max(2, os.cpu_count() or 2)


def schema_file(message_type: str) -> Path:
    """The XSD file of ``message_type`` (``CC015C`` -> ``.../cc015c.xsd``)."""
    if message_type not in MESSAGE_TYPES:
        raise KeyError(f"no NCTS phase 5 schema for message type {message_type!r}")
    return XSD_DIR / f"{message_type.lower()}.xsd"


def xsd_parser() -> etree.XMLParser:
    """The parser for our own schema files: no network, no entities (they are package data, but still)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)


def _compile() -> etree.XMLSchema:
    # The wrapper is given a base URL inside XSD_DIR so that the relative includes (and each file's
    # "../EDS/EDS_EXTENSIONS.xsd" import) resolve exactly as they do for the individual files.
    wrapper = etree.Element(f"{{{XS}}}schema", nsmap={"xs": XS}, targetNamespace=NS)
    for message_type in sorted(MESSAGE_TYPES):
        etree.SubElement(wrapper, f"{{{XS}}}include", schemaLocation=schema_file(message_type).name)
    doc = etree.fromstring(etree.tostring(wrapper), xsd_parser(), base_url=(XSD_DIR / "_all_messages.xsd").as_uri())
    return etree.XMLSchema(doc)


class _Pool:
    """Compiled schemas lent to one thread at a time; a new one is compiled only when all are busy."""

    def __init__(self, size: int):
        self._size = size
        self._idle: list[etree.XMLSchema] = []
        self._made = 0
        self._cond = threading.Condition()

    @contextmanager
    def lease(self) -> Iterator[etree.XMLSchema]:
        schema = None
        with self._cond:
            while not self._idle and self._made >= self._size:
                self._cond.wait()
            if self._idle:
                schema = self._idle.pop()
            else:
                self._made += 1
        if schema is None:
            try:
                schema = _compile()  # outside the lock: the others keep validating meanwhile
            except BaseException:
                with self._cond:
                    self._made -= 1
                    self._cond.notify()
                raise
        try:
            yield schema
        finally:
            with self._cond:
                self._idle.append(schema)
                self._cond.notify()

    @property
    def compiled(self) -> int:
        return self._made


_pool = _Pool(POOL_SIZE)


def validator() -> AbstractContextManager[etree.XMLSchema]:
    """``with validator() as schema: schema.validate(doc); schema.error_log`` — exclusive for the block."""
    return _pool.lease()


def warm_up() -> None:
    """Compile the schema set now (e.g. at start-up) instead of on the first message."""
    with validator():
        pass
