"""ICS2: entry summary declarations, the common repository, referrals."""

SYSTEM = "ics2"
