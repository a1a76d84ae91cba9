"""REX: the registered exporter system (Art. 80-85 UCC IA for the GSP; the EU's free trade agreements whose
statements on origin carry the exporter's REX number). Registration on application, amendment, revocation with
its date (statements on origin made out from that date are invalid), the history, and the public validation."""

SYSTEM = "REX"
