"""The published API contracts, checked on the stand-ins' wire (see checker.py)."""
