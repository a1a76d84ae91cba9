"""Planted fraud and safety/security patterns, with the ground truth kept for scoring detection.

Each pattern changes what a story *declares* and keeps what is *true*; the true facts go to the ground-truth
table (:mod:`eucustoms.sim.truth`) with the MRN the system gave. When a member state controls a planted
consignment, the simulated officer finds the truth (an irregularity, with the corrections; a seizure for the
safety and security patterns); a clean consignment controlled is found in order.

The patterns are those the issue asks for, each modelled on a documented case (all figures illustrative):

========================  ======================================================================================
``undervaluation``        H1 goods declared at 8–18 % of their value (the Chinese textile and footwear
                          undervaluation cases investigated by OLAF and EPPO); the ENS is genuine.
``misclassification``     H1 goods declared under a code with a lower duty (leather shoes as rubber/plastic
                          footwear, e-bikes as bicycles, LCD monitors as parts).
``origin_fraud``          H1 bicycles, solar modules or steel fasteners of Chinese origin declared as of a
                          neighbouring country to evade anti-dumping duties (transshipment); sometimes still
                          dispatched from China.
``split_consignment``     one buyer's order split into 3–5 express parcels of EUR 100–150 each for the same
                          person on the same day, each declared H7 (the low-value relief abused).
``drug_precursors``       air cargo on the route of the report's Liège seizure (March 2024: 2.5 t of chemicals
                          for amphetamine, methamphetamine and ecstasy) described as harmless chemicals.
``smuggling_network``     one organiser in China ships cigarettes declared as furniture or toys to front companies
                          established in several member states that share one registered address in Rotterdam,
                          entering through different member states' ports (a network only EU-level analysis sees).
========================  ======================================================================================
"""

from __future__ import annotations

import random
from typing import Any

#: Share of eligible stories that carry each pattern (documented; small enough that controls stay affordable).
SHARES = {
    "undervaluation": 0.03,       # of H1 declarations with goods that have a reference price
    "misclassification": 0.02,    # of H1 declarations with goods that have a cheaper look-alike code
    "origin_fraud": 0.10,         # of H1 declarations of bicycles, solar modules and fasteners
    "split_consignment": 0.03,    # of express ENS
    "drug_precursors": 0.02,      # of air cargo ENS on the precursor lanes
    "smuggling_network": 0.03,    # of sea and air cargo ENS
}
SAFETY_SECURITY = {"drug_precursors", "smuggling_network"}
PATTERNS = tuple(SHARES)

# Reference-priced goods (risk rules' illustrative reference prices exist for these HS6/HS4).
UNDERVALUED = {"610910", "640399", "847130", "850760", "871200", "401110", "731815", "854143", "330499", "851713",
               "852872", "950300"}
# True code → (declared code, its description): a cheaper line.
LOOK_ALIKES = {
    "64039993": ("64029998", "Sports shoes with rubber soles and uppers of plastics"),
    "85287220": ("85285900", "Monitors, other than CRT"),
    "84713000": ("84733020", "Parts of computers"),
    "85076000": ("85079080", "Parts of accumulators"),
}
# Anti-dumping goods: true origin CN, declared origin (a circumvention country).
CIRCUMVENTION = {"871200": ("TW", "KH", "ID", "LK", "TN"), "854143": ("MY", "TW"), "731815": ("MY", "PH", "TH", "VN")}
NETWORK_GOODS = [("940360", "Wooden dining tables, flat-packed", "Cigarettes, about 4 million sticks"),
                 ("950300", "Plastic toys for children", "Cigarettes, about 2 million sticks"),
                 ("940161", "Upholstered chairs with wooden frames", "Water-pipe tobacco, 1.8 t")]


def pick(rnd: random.Random, pattern: str) -> bool:
    return rnd.random() < SHARES[pattern]


def truth(pattern: str, **facts: Any) -> dict[str, Any]:
    return {"pattern": pattern, "risk_type": "safety_security" if pattern in SAFETY_SECURITY else "financial",
            "facts": facts}


def control_result(fraud: dict[str, Any] | None) -> dict[str, Any]:
    """What the simulated officer finds when controlling: the planted truth, or nothing."""
    if fraud is None:
        return {"result": "no_irregularity"}
    if fraud["risk_type"] == "safety_security":
        return {"result": "seizure", "risk_type": "safety_security", "critical": True,
                "findings": fraud["facts"].get("true_goods") or fraud["pattern"]}
    return {"result": "irregularity", "risk_type": "financial", "findings": fraud["pattern"]}
