"""The data-dissemination services (DDS2): one public, read-only, rate-limited API over the systems' public
look-ups, every look-up counted per service (RES 2.1 sub-indicator 1)."""

SYSTEM = "dds"
