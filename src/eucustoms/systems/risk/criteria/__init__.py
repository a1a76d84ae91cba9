"""Common risk criteria (CRC) as declarative, versioned rules, evaluated for every filing.

Rule sets are YAML files (one version per file, see :mod:`.model` for the format and :mod:`.conditions` for
conditions and operators) read by :mod:`.loader` into a :class:`RuleBook`, which evaluates the version in
force against a neutral :class:`Facts` view of an ENS, a declaration or a transit movement and returns
explained :class:`Hit` s. Illustrative rule sets ship in ``eucustoms/systems/risk/rules``.
"""

from eucustoms.systems.risk.criteria.engine import Hit, RuleBook
from eucustoms.systems.risk.criteria.facts import (
    KINDS,
    MODES,
    ROLES,
    Countries,
    Dates,
    Facts,
    GoodsItem,
    Party,
    Places,
    Totals,
    facts_from_dict,
)
from eucustoms.systems.risk.criteria.loader import (
    load_document,
    load_reference_prices_text,
    load_rulebook,
    load_ruleset_data,
    load_ruleset_file,
    load_ruleset_text,
    shipped_rulebook,
    shipped_rules_dir,
)
from eucustoms.systems.risk.criteria.model import (
    Action,
    Level,
    Outcome,
    ReferencePrices,
    Referral,
    RiskType,
    Rule,
    RuleSet,
)

__all__ = [
    "Action",
    "Countries",
    "Dates",
    "Facts",
    "GoodsItem",
    "Hit",
    "KINDS",
    "Level",
    "MODES",
    "Outcome",
    "Party",
    "Places",
    "ROLES",
    "ReferencePrices",
    "Referral",
    "RiskType",
    "Rule",
    "RuleBook",
    "RuleSet",
    "Totals",
    "facts_from_dict",
    "load_document",
    "load_reference_prices_text",
    "load_rulebook",
    "load_ruleset_data",
    "load_ruleset_file",
    "load_ruleset_text",
    "shipped_rulebook",
    "shipped_rules_dir",
]
