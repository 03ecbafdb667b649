"""CPython-only tools for rtlib (table generators, accuracy measurement); never compiled."""
