"""Static types of the subset and their WebAssembly representation.

Types are plain values: the strings 'int' 'float' 'bool' 'str' 'num' 'none' 'bottom', and tuples
('list', elem) and ('tuple', (t1, t2, ...)). 'num' is a boxed number whose int/float-ness is only
known at run time (a variable that holds an int on one path and a float on another); 'bottom' is
"not known yet" during inference.
"""

from __future__ import annotations

INT, FLOAT, BOOL, STR, NUM, NONE, BOTTOM = "int", "float", "bool", "str", "num", "none", "bottom"
NUMERIC = (INT, FLOAT, NUM)


class JoinError(Exception):
    pass


def list_of(elem) -> tuple:
    return ("list", elem)


def is_list(t) -> bool:
    return isinstance(t, tuple) and t[0] == "list"


def is_tuple(t) -> bool:
    return isinstance(t, tuple) and t[0] == "tuple"


def elem(t):
    return t[1]


def has_bottom(t) -> bool:
    if t == BOTTOM:
        return True
    if is_list(t):
        return has_bottom(t[1])
    if is_tuple(t):
        return any(has_bottom(x) for x in t[1])
    return False


def join(a, b):
    """Least common type of a and b; raises JoinError when no exact representation exists."""
    if a == b or b == BOTTOM:
        return a
    if a == BOTTOM:
        return b
    if a in NUMERIC and b in NUMERIC:
        return NUM
    if is_list(a) and is_list(b):
        if a[1] == BOTTOM or b[1] == BOTTOM:
            return ("list", join(a[1], b[1]))
        if is_list(a[1]) and is_list(b[1]):
            return ("list", join(a[1], b[1]))
        raise JoinError(f"{show(a)} and {show(b)}")
    if is_tuple(a) and is_tuple(b) and len(a[1]) == len(b[1]):
        return ("tuple", tuple(join(x, y) for x, y in zip(a[1], b[1])))
    raise JoinError(f"{show(a)} and {show(b)}")


def show(t) -> str:
    if is_list(t):
        return f"list[{show(t[1])}]"
    if is_tuple(t):
        return "tuple[" + ", ".join(show(x) for x in t[1]) + "]"
    return t


def valtypes(t) -> list[str]:
    """WebAssembly value types carrying a value of type t (tuples are multi-value)."""
    if t == INT:
        return ["i64"]
    if t == FLOAT:
        return ["f64"]
    if t == NONE:
        return []
    if is_tuple(t):
        return [v for x in t[1] for v in valtypes(x)]
    return ["i32"]  # bool, str, list, num (pointers) ; bottom only during inference


def valtype(t) -> str:
    return valtypes(t)[0]


def slot_load(t) -> str:
    """Instruction that loads a list item of type t from its 8-byte slot."""
    return {"i64": "i64.load", "f64": "f64.load", "i32": "i32.load"}[valtype(t)]


def slot_store(t) -> str:
    return {"i64": "i64.store", "f64": "f64.store", "i32": "i32.store"}[valtype(t)]


def suffix(t) -> str:
    """Short name used to pick type-specialised helpers (list_int_repr, ...)."""
    if is_list(t):
        return "list_" + suffix(t[1])
    return {INT: "int", FLOAT: "float", BOOL: "bool", STR: "str", NUM: "num", BOTTOM: "int", NONE: "none"}[t]


def from_annotation(node, aliases: dict | None = None):
    """Type of an annotation AST node (rt subset): int float bool str None list[T] tuple[...] Num."""
    import ast

    if node is None:
        return None
    if isinstance(node, ast.Constant) and node.value is None:
        return NONE
    if isinstance(node, ast.Name):
        names = {"int": INT, "float": FLOAT, "bool": BOOL, "str": STR, "None": NONE, "Num": NUM,
                 "AnyList": ("list", "any")}
        if node.id in names:
            return names[node.id]
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        inner = node.slice
        if node.value.id == "list":
            return ("list", from_annotation(inner))
        if node.value.id == "tuple" and isinstance(inner, ast.Tuple):
            return ("tuple", tuple(from_annotation(e) for e in inner.elts))
    from .errors import error_at

    raise error_at(node, "annotation", f"unsupported type annotation {ast.unparse(node)!r}")
