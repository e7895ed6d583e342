"""Pure Python rules of the marketing-contacts domain: no I/O, no SQLAlchemy, no widgets."""
