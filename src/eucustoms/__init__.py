"""eucustoms: the EU customs union in a box."""

__version__ = "0.1.0"
