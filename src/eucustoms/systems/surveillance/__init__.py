"""Surveillance (SURV3): a data record for every released import and export declaration item, and the
aggregates that the Commission's surveillance of trade flows (and the public DDS SURV look-up) use."""

SYSTEM = "surv"
