"""Illustrative common risk criteria rule sets and reference prices (YAML, package data).

These files are examples written for this open implementation. They are NOT the EU's common risk criteria,
which are confidential; the rules, country lists and prices only show how such criteria can be expressed.
"""
