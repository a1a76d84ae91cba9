"""Message ids of the Proof of Union Status system (PoUS).

The Commission has not published the PoUS phase 1 exchanges between the trader portal and the central system as
an EU message catalogue, so the box names its own (``POUS_*``), one per step of the published flow: the person
concerned requests a proof, the office of issue endorses (or refuses) it and it is registered with an MRN, the
office where the goods arrive records its use, and the proof may be invalidated. See docs/pous.md."""

# Person concerned (trader, or authorised issuer) → PoUS
REQUEST = "POUS_REQ"  # request for a T2L / T2LF / customs goods manifest
INVALIDATION_REQUEST = "POUS_INVREQ"  # the person concerned withdraws a request or invalidates an unused proof

# PoUS → person concerned
ACKNOWLEDGEMENT = "POUS_ACK"  # request accepted: MRN allocated, endorsement by the office of issue awaited
REGISTRATION = "POUS_REG"  # endorsed (or, for an authorised issuer, registered without endorsement): valid until
REJECTION = "POUS_REJ"  # the office of issue refused to endorse the request
USE_NOTIFICATION = "POUS_USE"  # the proof (or items of a manifest) was used at an office of presentation
INVALIDATION = "POUS_INV"  # the proof was invalidated (on request or by the customs authorities)

# Customs officers' actions (kept in the proof's message log)
OFFICER_ENDORSEMENT = "POUS_OEND"  # office of issue: endorsement
OFFICER_REJECTION = "POUS_OREJ"  # office of issue: refusal
OFFICER_USE = "POUS_OUSE"  # office where the goods are presented: use (whole proof or items of a manifest)
OFFICER_INVALIDATION = "POUS_OINV"  # customs authorities of the member state of issue: invalidation

# Document codes under which the proof is referred to in other declarations (CS/RD2 PreviousDocumentUnionGoods,
# RequestedDocumentType): T2L document, T2LF document, cargo manifest.
DOCUMENT_CODES = {"T2L": "N825", "T2LF": "C620", "CGM": "N785"}
