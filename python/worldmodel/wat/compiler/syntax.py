"""Questions about the Python AST the compiler asks before and while generating code."""

from __future__ import annotations

import ast


class DefMarker(ast.stmt):
    """Where a module-level `def` ran (the function itself is hoisted): calling it before is a NameError."""
    _fields = ("name",)


def def_marker(node: ast.FunctionDef) -> DefMarker:
    return ast.copy_location(DefMarker(name=node.name), node)


def assigned_names(stmts) -> set[str]:
    """Names a block assigns (comprehension variables excluded: they live in their own scope)."""
    names: set[str] = set()
    for stmt in stmts:
        comp_targets = {id(t) for n in ast.walk(stmt) if isinstance(n, ast.comprehension)
                        for t in ast.walk(n.target)}
        for n in ast.walk(stmt):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and id(n) not in comp_targets:
                names.add(n.id)
    return names


def declared_globals(fn: ast.FunctionDef) -> set[str]:
    return {name for n in ast.walk(fn) if isinstance(n, ast.Global) for name in n.names}


def local_names_of(fn: ast.FunctionDef) -> set[str]:
    return ({a.arg for a in fn.args.args} | assigned_names(fn.body)) - declared_globals(fn)


def is_constant(node) -> bool:
    return isinstance(node, ast.Constant) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)) and isinstance(node.operand, ast.Constant))


def const_number(node):
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
            and type(node.operand.value) in (int, float):
        return -node.operand.value
    return None


def const_int(node):
    v = const_number(node)
    return v if isinstance(v, int) else None


def always_exits(stmts) -> bool:
    """True when control can never fall off the end of these statements."""
    for s in stmts:
        if isinstance(s, (ast.Return, ast.Raise)):
            return True
        if isinstance(s, ast.If) and s.orelse and always_exits(s.body) and always_exits(s.orelse):
            return True
        if isinstance(s, ast.While) and isinstance(s.test, ast.Constant) and s.test.value is True and not any(
                isinstance(n, ast.Break) for n in ast.walk(s)):
            return True
    return False


def ends_with_return(stmts) -> bool:
    return bool(stmts) and isinstance(stmts[-1], ast.Return)


class RenameNames(ast.NodeTransformer):
    def __init__(self, renames):
        self.renames = renames

    def visit_Name(self, node):
        if node.id in self.renames:
            return ast.copy_location(ast.Name(id=self.renames[node.id], ctx=node.ctx), node)
        return node

    def rename_comprehension(self, node):
        import copy

        node = copy.deepcopy(node)
        first_iter = node.generators[0].iter
        node.generators[0].iter = ast.Constant(value=None)
        node = self.visit(node)
        node.generators[0].iter = first_iter  # evaluated in the enclosing scope
        return node
