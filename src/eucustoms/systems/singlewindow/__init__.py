"""EU CSW-CERTEX: the certificates Union non-customs systems issue (CHED, COI, FLEGT, ODS, F-gas, ICG, CITES,
CBAM, EUDR, CATCH), checked and their quantities managed when customs declarations quote them."""

SYSTEM = "certex"
