"""The goods nomenclature in memory: HS 2022 and CN lines by code with their validity, and full descriptions."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from . import store
from .model import Goods
from .periods import Periods, index


def normalise_code(code: str) -> str:
    """Accept the printed forms "0101 29 10" and "0101.29.10"."""
    return code.replace(" ", "").replace(".", "")


class GoodsIndex:
    """HS and CN lines by (nomenclature, code), with the HS 2→4→6 and HS6→CN8 child lists."""

    def __init__(self) -> None:
        self.lines: dict[tuple[str, str], Periods[tuple]] = {}
        self.children: dict[str, set[str]] = {}

    @classmethod
    def build(cls, conn) -> "GoodsIndex":
        self = cls()
        g = store.goods.c
        rows = conn.execute(select(g.nomenclature, g.code, g.valid_from, g.valid_to, g.level, g.parent,
                                   g.description, g.supplementary_unit, g.attributes)).all()
        self.lines = index(((r.nomenclature, r.code), r.valid_from, r.valid_to, tuple(r)) for r in rows)
        for r in rows:
            if (r.nomenclature, r.level) in (("HS", "heading"), ("HS", "hs6"), ("CN", "cn8")):
                self.children.setdefault(r.parent, set()).add(r.code)
        return self

    def line(self, nomenclature: str, code: str, day: date) -> tuple | None:
        periods = self.lines.get((nomenclature, code))
        return periods.at(day) if periods else None

    _LEVELS = {8: (("CN",), "cn8"), 6: (("HS",), "hs6"), 4: (("CN", "HS"), "heading"), 2: (("CN", "HS"), "chapter")}

    def row(self, code: str, day: date) -> tuple | None:
        """The line of a 2/4/6/8-digit code valid on ``day``: CN wording first for chapters and headings,
        HS 2022 for 6-digit subheadings (the CN data only has those it subdivides)."""
        found = self._LEVELS.get(len(code))
        if found is None or not code.isdigit():
            return None
        nomenclatures, level = found
        for nomenclature in nomenclatures:
            line = self.line(nomenclature, code, day)
            if line is not None and line[4] == level:
                return line
        return None

    def find(self, code: str, day: date) -> Goods | None:
        line = self.row(code, day)
        if line is None:
            return None
        return self._cn8(line, day) if line[4] == "cn8" else self._make(line, line[6])

    def _cn8(self, row: tuple, day: date) -> Goods:
        code, attrs = row[1], row[8] or {}
        parts = []
        # Undivided headings appear in the CN data as a "xxxx00" subheading, a few not at all (then HS).
        heading = (self.line("CN", code[:4], day) or self.line("CN", code[:4] + "00", day)
                   or self.line("HS", code[:4], day))
        if heading is not None:
            parts.append(heading[6])
        sub_code = attrs.get("cn_subheading")
        sub = self.line("CN", sub_code, day) if sub_code and sub_code != (heading[1] if heading else None) else None
        if sub is not None:
            parts.append(sub[6])
        parts.append(row[6])
        hs6 = self.line("HS", code[:6], day)
        return self._make(row, " — ".join(parts), attrs.get("supplementary_unit_eu"), hs6[6] if hs6 else None)

    @staticmethod
    def _make(row: tuple, full: str, unit_eu: str | None = None, hs_text: str | None = None) -> Goods:
        nomenclature, code, valid_from, valid_to, level, parent, description, unit, attrs = row
        if level == "hs6":
            hs_text = description
        return Goods(code, level, nomenclature, description, full, parent, unit, unit_eu, hs_text,
                     valid_from, valid_to)
