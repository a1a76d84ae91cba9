"""CDS: the customs decisions system. Applications for decisions under Art. 22-28 UCC and the decisions taken on
them (AEO, centralised clearance, comprehensive guarantee, special procedures, temporary storage, ...), with the
time-limits of the Code computed on every application, consultation of the other member states concerned, the
right to be heard, and the look-ups other systems make (``holds``, ``aeo_status``) and the public's (DDS)."""

SYSTEM = "CDS"
AEO_SYSTEM = "AEO"  # AEO applications are counted apart (RES 3.1), as the EU runs them in the AEO module
