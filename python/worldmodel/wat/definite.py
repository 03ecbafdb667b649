"""Definite assignment: which reads of a variable may happen before the variable is assigned.

CPython raises `NameError: name 'g' is not defined` (module level) or `UnboundLocalError: cannot
access local variable 'x' where it is not associated with a value` (in a function) for such a
read; WASM locals and globals start at zero. The converter gives every variable with a possibly
unassigned read a flag (`$x.set`) that each assignment sets and such reads check.

`analyse(stmts, tracked, assigned)` walks a body in evaluation order and returns the positions
`(name, line, col)` of the reads of `tracked` names that are not definitely assigned, and the
calls it makes (`(function name, names definitely assigned at the call)`). A reference to a user
function by name (a call, or `key=f`) counts as a call at that point.
"""

from __future__ import annotations

import ast

COMPREHENSIONS = (ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)


def name_key(node: ast.Name) -> tuple:
    return (node.id, node.lineno, node.col_offset)


class Analysis:
    def __init__(self, tracked: set[str], functions: set[str]):
        self.tracked = tracked
        self.functions = functions  # user function names (not shadowed in this scope)
        self.unsafe: set[tuple] = set()
        self.calls: list[tuple[str, frozenset]] = []
        self.breaks: list[list] = []

    # a state is a frozenset of definitely assigned names, or None (this point is unreachable)

    def block(self, stmts, d):
        for s in stmts:
            if d is None:
                return None
            d = self.stmt(s, d)
        return d

    def stmt(self, s, d):
        if isinstance(s, ast.Assign):
            self.expr(s.value, d)
            for t in s.targets:
                d = self.target(t, d)
            return d
        if isinstance(s, ast.AnnAssign):
            if s.value is None:
                return d
            self.expr(s.value, d)
            return self.target(s.target, d)
        if isinstance(s, ast.AugAssign):
            if isinstance(s.target, ast.Name):
                self.read(s.target, d)
                self.expr(s.value, d)
                return d | {s.target.id}
            self.target_reads(s.target, d)
            self.expr(s.value, d)
            return d
        if isinstance(s, ast.If):
            self.expr(s.test, d)
            if isinstance(s.test, ast.Constant):  # `if True:` (functions defined in it, for example)
                return self.block(s.body if s.test.value else s.orelse, d)
            return meet(self.block(s.body, d), self.block(s.orelse, d))
        if isinstance(s, ast.While):
            infinite = isinstance(s.test, ast.Constant) and bool(s.test.value)
            self.expr(s.test, d)
            self.breaks.append([])
            self.block(s.body, d)
            breaks = self.breaks.pop()
            out = None if infinite else self.block(s.orelse, d)
            for b in breaks:
                out = meet(out, b)
            return out
        if isinstance(s, ast.For):
            self.expr(s.iter, d)
            self.breaks.append([])
            self.block(s.body, self.target(s.target, d))
            breaks = self.breaks.pop()
            out = self.block(s.orelse, d)
            for b in breaks:
                out = meet(out, b)
            return out
        if isinstance(s, ast.Break):
            if self.breaks:
                self.breaks[-1].append(d)
            return None
        if isinstance(s, ast.Continue):
            return None
        if isinstance(s, ast.Return):
            if s.value is not None:
                self.expr(s.value, d)
            return None
        if isinstance(s, ast.Raise):
            for e in (s.exc, s.cause):
                if e is not None:
                    self.expr(e, d)
            return None
        if isinstance(s, ast.Expr):
            self.expr(s.value, d)
            return d
        if isinstance(s, ast.Assert):
            self.expr(s.test, d)
            if s.msg is not None:
                self.expr(s.msg, d)
            return d
        if type(s).__name__ == "DefMarker":  # a module-level `def` (compiler.DefMarker)
            return d | {s.name}
        if isinstance(s, (ast.Pass, ast.Global, ast.Nonlocal, ast.Import, ast.ImportFrom, ast.FunctionDef)):
            return d
        # anything else is rejected by the compiler; be conservative: reads, no assignments
        for child in ast.iter_child_nodes(s):
            if isinstance(child, ast.expr):
                self.expr(child, d)
        return d

    def target(self, t, d):
        if isinstance(t, ast.Name):
            return d | {t.id}
        if isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                d = self.target(e, d)
            return d
        if isinstance(t, ast.Starred):
            return self.target(t.value, d)
        self.target_reads(t, d)
        return d

    def target_reads(self, t, d):
        if isinstance(t, ast.Subscript):
            self.expr(t.value, d)
            self.expr(t.slice, d)
        elif isinstance(t, ast.Attribute):
            self.expr(t.value, d)

    def read(self, node: ast.Name, d):
        if node.id in self.tracked and node.id not in d:
            self.unsafe.add(name_key(node))
        if node.id in self.functions:
            self.calls.append((node.id, frozenset(d)))

    def expr(self, e, d):
        if isinstance(e, ast.Name):
            if isinstance(e.ctx, ast.Load):
                self.read(e, d)
            return
        if isinstance(e, COMPREHENSIONS):
            gens = e.generators
            self.expr(gens[0].iter, d)
            inner = set(d)
            for g in gens:
                for n in ast.walk(g.target):
                    if isinstance(n, ast.Name):
                        inner.add(n.id)
            saved = self.tracked, self.functions
            bound = inner - set(d)
            self.tracked, self.functions = self.tracked - bound, self.functions - bound
            inner = frozenset(inner)
            for i, g in enumerate(gens):
                if i:
                    self.expr(g.iter, inner)
                for c in g.ifs:
                    self.expr(c, inner)
            for part in ([e.key, e.value] if isinstance(e, ast.DictComp) else [e.elt]):
                self.expr(part, inner)
            self.tracked, self.functions = saved
            return
        if isinstance(e, ast.Lambda):
            return  # rejected by the compiler
        if isinstance(e, ast.Call):
            # the state cannot change inside an expression: the order only matters for the record
            for a in e.args:
                self.expr(a, d)
            for k in e.keywords:
                self.expr(k.value, d)
            self.expr(e.func, d)
            return
        for child in ast.iter_child_nodes(e):
            if isinstance(child, ast.expr):
                self.expr(child, d)
            elif isinstance(child, ast.keyword):
                self.expr(child.value, d)


def meet(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return a & b


def analyse(stmts, tracked: set[str], assigned: set[str], functions: set[str]):
    a = Analysis(set(tracked), set(functions))
    a.block(stmts, frozenset(assigned))
    return a.unsafe, a.calls


def global_reads(fn: ast.FunctionDef, local: set[str], globals_: set[str]) -> set[str]:
    """Module globals that a function body reads (directly; `global c` then `c += 1` reads c too)."""
    aug = {id(n.target) for n in ast.walk(fn) if isinstance(n, ast.AugAssign)}
    return {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and (isinstance(n.ctx, ast.Load) or id(n) in aug)
            and n.id in globals_ and n.id not in local}


def function_refs(fn: ast.FunctionDef, local: set[str], functions: set[str]) -> set[str]:
    return {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
            and n.id in functions and n.id not in local}
