"""Identifier value types of the customs union, one small module per family (re-exported by ``core.identifiers``)."""
