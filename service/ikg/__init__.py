"""ikg: a linked-data publisher for municipal integration work."""

__version__ = "0.1.0"
