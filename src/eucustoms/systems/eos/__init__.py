"""EOS: the Economic Operators' registration and identification system (EORI) and the public EORI
validation service (DDS2-EOS)."""

SYSTEM = "eos"
