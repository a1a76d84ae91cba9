"""Message ids of the import system.

The national import messages between traders and a member state's import system are not harmonised in the
EU; the box names its own (``IMP_*``), and the box-internal exchanges between the supervising customs office
and the customs office of presentation in centralised clearance (``CCI_*``). All are documented in
docs/imports.md."""

# Trader → import system
DECLARATION_H1 = "IMP_H1"  # standard customs declaration for release for free circulation (Annex B column H1)
DECLARATION_H7 = "IMP_H7"  # low-value consignments (intrinsic value ≤ EUR 150, Annex B column H7)
AMENDMENT = "IMP_AMD"  # amendment of the declaration (Art. 173 UCC)
INVALIDATION_REQUEST = "IMP_INV"  # request for invalidation (Art. 174 UCC)
PAYMENT = "IMP_PAY"  # payment of the customs debt
PRESENTATION = "IMP_PRES"  # presentation of the goods for a pre-lodged declaration (Art. 171 UCC)
CONSULTATION = "IMP_QRY"

# Import system → trader
ACCEPTANCE = "IMP_ACC"  # MRN allocated, declaration accepted (Art. 172 UCC), with the customs debt
REGISTRATION = "IMP_REG"  # pre-lodged declaration registered (MRN allocated, acceptance on presentation)
REJECTION = "IMP_REJ"  # every error found (answered synchronously; not stored)
CONTROL_NOTIFICATION = "IMP_CTL"  # the goods will be examined (documentary or physical control)
RELEASE = "IMP_REL"  # release of the goods (Art. 194 UCC)
NO_RELEASE = "IMP_NREL"  # goods not released
AMENDMENT_ACCEPTED = "IMP_AMDA"
INVALIDATION_ACCEPTED = "IMP_INVA"
PAYMENT_RECORDED = "IMP_PAYA"
REASSESSMENT = "IMP_RASS"  # the debt reassessed after a control: additional amount, repayment or remission

# Supervising customs office (member state A) ↔ customs office of presentation (member state B), over the bus
CCI_PARTICULARS = "CCI_PART"  # A → B: the particulars of the accepted declaration, for B's risk analysis
CCI_RISK_RESULT = "CCI_RISK"  # B → A: B's risk analysis (control recommended or not, the rules hit)
CCI_CONTROL_RESULT = "CCI_CTRL"  # B → A: result of the control B performed
CCI_RELEASE = "CCI_REL"  # A → B: the release decision
CCI_NO_RELEASE = "CCI_NREL"  # A → B: the goods are not released / the declaration was invalidated
CCI_EXIT = "CCI_EXIT"  # B → A: the goods were physically released at the office of presentation

# Officer actions at the office of lodgement (kept in the declaration's message log)
OFFICER_CONTROL_DECISION = "IMP_OCTD"
OFFICER_CONTROL_RESULT = "IMP_OCTR"
OFFICER_RELEASE = "IMP_OREL"
OFFICER_NO_RELEASE = "IMP_ONREL"
