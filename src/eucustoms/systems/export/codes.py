"""Message ids of AES (the EU's DDNTA numbering, ``IE`` + three digits; the XML messages are ``CC5xxC`` between
a trader and a national system and ``CD5xxC`` between national systems), and the few exchanges the box names
itself (``EXP_*``). Every one is described in docs/export.md.

The ids follow AES as implemented for the UCC, which aligned its numbering with NCTS phase 5 (IE515 ↔ CC015C,
IE528 ↔ CC028C, IE529 ↔ CC029C, IE551 ↔ CC051C, IE556 ↔ CC056C, IE560 ↔ CC060C, IE501 ↔ CD001C, IE518 ↔ CD018C)."""

# Declarant (or representative) → customs office of export
DECLARATION = "IE515"  # export declaration (standard, lodged on presentation A or pre-lodged D; with or without EXS data)
AMENDMENT = "IE513"  # declaration amendment (Art. 173 UCC)
INVALIDATION_REQUEST = "IE514"  # request for invalidation (Art. 174 UCC; after release: Art. 248 UCC DA)
PRESENTATION = "IE511"  # presentation notification for a pre-lodged declaration (Art. 171 UCC)

# Customs office of export → declarant (and representative; IE599 to the exporter too)
MRN_ALLOCATED = "IE528"  # MRN allocated: the declaration is registered (and, unless pre-lodged, accepted, Art. 172 UCC)
REJECTION = "IE556"  # rejection with every functional error (ECS phase 2 called it IE516); answered synchronously
AMENDMENT_ACCEPTANCE = "IE504"
INVALIDATION_DECISION = "IE509"
CONTROL_NOTIFICATION = "IE560"  # the goods will be examined (documentary or physical control)
RELEASE_FOR_EXPORT = "IE529"  # release for export (Art. 194 UCC), the data of the export accompanying document
NO_RELEASE = "IE551"  # no release for export
EXIT_CERTIFICATION = "IE599"  # exit results / export notification: the proof that the goods left (Art. 334 UCC IA)

# Customs office of export ↔ customs office of exit (common domain, over the bus)
AER = "IE501"  # anticipated export record, sent on release to the declared office of exit's member state
EXIT_RESULTS = "IE518"  # exit results: the goods left (or exit was refused), with the exit control result

# Person presenting the goods / carrier ↔ customs office of exit
ARRIVAL_AT_EXIT = "IE507"  # the goods are presented at the office of exit (arrival at exit)
EXIT_RELEASE = "IE525"  # the office of exit's decision on the goods presented: released for exit, or exit refused
EXIT_CONTROL_NOTIFICATION = "IE561"  # the office of exit will examine the goods (ECS "control decision at exit")
EXIT_NOTIFICATION = "IE590"  # the carrier notifies that the goods have left the customs territory

# The box's own exchanges (documented in docs/export.md)
AER_CANCELLATION = "EXP_AERX"  # office of export → office of exit: the declaration was invalidated after release
TRANSIT_LINK = "EXP_TRL"  # the following transit movement's MRN was recorded (export followed by transit)
EXIT_REFUSED = "EXP_XREF"  # office of export → declarant: the office of exit refused the exit (IE518 result B1)

# Officer actions, kept in the message logs
OFFICER_CONTROL_DECISION = "EXP_OCTD"
OFFICER_CONTROL_RESULT = "EXP_OCTR"
OFFICER_RELEASE = "EXP_OREL"
OFFICER_NO_RELEASE = "EXP_ONREL"
EXIT_OFFICER_CONTROL_DECISION = "EXP_XCTD"
EXIT_OFFICER_CONTROL_RESULT = "EXP_XCTR"
EXIT_OFFICER_RELEASE = "EXP_XREL"
EXIT_OFFICER_REFUSAL = "EXP_XRFS"
EXIT_OFFICER_CONFIRMATION = "EXP_XCNF"  # the officer of exit confirms the exit without the carrier's IE590

# Exit control results in IE518 (CS/RD2 "ControlResultCode", as the NCTS destination uses them)
EXIT_SATISFACTORY = "A1"  # controlled at exit, no irregularity
EXIT_CONSIDERED_SATISFACTORY = "A2"  # not controlled at exit
EXIT_MINOR_DISCREPANCIES = "A4"  # controlled, minor discrepancies (exit allowed)
EXIT_NOT_SATISFACTORY = "B1"  # exit refused
