"""WorldModel's deterministic runtime library, written in the rt subset (see README.md)."""
