"""Principals the EBTI tests act as (the holder's EORI is that of the examples)."""

from __future__ import annotations

from eucustoms.platform.auth import Principal, Role

TRADER = Principal(role=Role.TRADER, name="Kraftwerk Tools GmbH", eori="DE4471190023")
OTHER_TRADER = Principal(role=Role.TRADER, name="Someone Else BV", eori="NL123456789")
AGENT = Principal(role=Role.TRADER, name="Zollagentur Nord", eori="DE998877665")
DE_OFFICER = Principal(role=Role.OFFICER, name="BTI desk Hamburg", country="DE", office="DE004700")
FR_OFFICER = Principal(role=Role.OFFICER, name="RTC Paris", country="FR", office="FR000690")
COMMISSION = Principal(role=Role.COMMISSION, name="DG TAXUD")
