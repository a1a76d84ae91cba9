"""Molecular formulae: parsed into element counts and written in Hill notation, so that ``NaCl``, ``ClNa`` and
``Cl Na`` find the same substance.

Hill notation: carbon first, then hydrogen, then the other elements alphabetically; without carbon, every
element alphabetically (hydrogen included). A count of 1 is not written. Parentheses (``Ca(OH)2``) and hydrates
(``CuSO4·5H2O``, also with ``.`` or ``*``) are accepted in the input.
"""

from __future__ import annotations

import re
from collections import Counter

ELEMENTS = frozenset("""
H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr Rb Sr Y Zr Nb
Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au
Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og
""".split())

_TOKEN = re.compile(r"([A-Z][a-z]?)|(\d+)|(\()|(\))|(\S)")


class FormulaError(ValueError):
    """A formula that cannot be read; the message says where."""


def _parse_part(text: str) -> Counter:
    stack: list[Counter] = [Counter()]
    last: Counter | str | None = None
    for m in _TOKEN.finditer(text):
        element, number, opening, closing, other = m.groups()
        if element:
            if element not in ELEMENTS:
                raise FormulaError(f"{element!r} is not a chemical element symbol")
            stack[-1][element] += 1
            last = element
        elif number:
            n = int(number)
            if n == 0:
                raise FormulaError("a count of 0 is not allowed")
            if isinstance(last, str):
                stack[-1][last] += n - 1
            elif isinstance(last, Counter):
                for k, v in last.items():
                    stack[-1][k] += v * (n - 1)
            else:
                raise FormulaError(f"the count {number} follows no element or group")
            last = None
        elif opening:
            stack.append(Counter())
            last = None
        elif closing:
            if len(stack) == 1:
                raise FormulaError("a ')' without '('")
            group = stack.pop()
            stack[-1].update(group)
            last = group
        else:
            raise FormulaError(f"{other!r} cannot appear in a formula")
    if len(stack) != 1:
        raise FormulaError("a '(' is not closed")
    return stack[0]


def parse(text: str) -> Counter:
    """Element → count. Raises :class:`FormulaError` with the reason."""
    cleaned = text.replace(" ", "")
    if not cleaned:
        raise FormulaError("the formula is empty")
    total: Counter = Counter()
    for part in re.split(r"[·.*]", cleaned):
        if not part:
            raise FormulaError("an empty part between dots")
        m = re.match(r"(\d+)(.*)", part)
        factor, body = (int(m.group(1)), m.group(2)) if m else (1, part)
        if not body:
            raise FormulaError(f"the count {part} follows no element or group")
        if factor == 0:
            raise FormulaError("a count of 0 is not allowed")
        for k, v in _parse_part(body).items():
            total[k] += v * factor
    return total


def hill(text: str) -> str:
    """The formula in Hill notation (``C2H6O``, ``ClNa``)."""
    counts = parse(text)
    if "C" in counts:
        order = ["C"] + (["H"] if "H" in counts else []) + sorted(k for k in counts if k not in ("C", "H"))
    else:
        order = sorted(counts)
    return "".join(f"{e}{counts[e] if counts[e] > 1 else ''}" for e in order)
