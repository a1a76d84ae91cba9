"""NCTS phase 5: the New Computerised Transit System (departure, transit, destination, guarantees)."""

SYSTEM = "transit"
