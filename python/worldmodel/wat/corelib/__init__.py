"""Core runtime routines written in the rt subset (compiled by the converter into the `rt` module)."""
