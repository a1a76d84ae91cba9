"""ECICS: the European Customs Inventory of Chemical Substances: substances identified by CUS, CAS and EC
numbers, with names in several languages, their CN classification, INN/ISO names, formula and characteristics;
the public look-up (DDS2-ECICS) and the Commission's maintenance of the entries."""

SYSTEM = "ecics"
#: The key of the public look-up's consultation counter (``dds``/``consultations``/``ECICS``).
DDS_SERVICE = "ECICS"
