"""COPIS: enforcement of intellectual property rights by customs (Regulation (EU) No 608/2013). Applications for
action (national or Union) by right holders and the decisions on them; detentions of goods suspected of infringing
a right covered by a granted application, with the time-limits of the Regulation computed in working days, the
simplified destruction procedure, proceedings and release; detentions per application and statistics."""

SYSTEM = "COPIS"
