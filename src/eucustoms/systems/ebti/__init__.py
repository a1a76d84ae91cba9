"""EBTI: European Binding Tariff Information (Art. 33-34 UCC): applications, decisions with their validity,
annulment and revocation, the holder's obligation of use, and the public look-up (DDS2-EBTI)."""

SYSTEM = "ebti"
#: The key of the public look-up's consultation counter (``dds``/``consultations``/``EBTI``), as the EOS and
#: TARIC look-ups count theirs (RES 2.1 sub-indicator 1 lists "European Binding Tariff Information (EBTI)").
DDS_SERVICE = "EBTI"
