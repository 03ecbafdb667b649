"""CPython-only tools for the runtime library (table generators, accuracy measurement); never compiled."""
