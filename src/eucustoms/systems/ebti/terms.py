"""The words of the public search: text folded to lower case without accents, split into terms.

A term table (one row per decision and word) answers keyword searches with plain indexed comparisons, the same
on SQLite and PostgreSQL: every word of the query must start a word of the decision (``hydraul`` finds
"hydraulic"), whatever the case and the accents ("Gerät" and "gerat" are the same term)."""

from __future__ import annotations

import re
import unicodedata
MAX_TERM = 64
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case, accents removed (NFKD without combining marks), ``ß`` → ``ss``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def terms(*texts: str | None) -> set[str]:
    """The distinct words of ``texts`` (two characters or more, cut at 64)."""
    found: set[str] = set()
    for text in texts:
        if text:
            found.update(w[:MAX_TERM] for w in _WORD.findall(fold(text)) if len(w) >= 2)
    return found


def query_terms(text: str) -> list[str]:
    """The words of a query, in order, without repeats; one-letter words are kept (they match as prefixes)."""
    seen: dict[str, None] = {}
    for w in _WORD.findall(fold(text)):
        seen.setdefault(w[:MAX_TERM], None)
    return list(seen)
