"""Comprehensions: list / sum / min / max / any / all over generators."""

from __future__ import annotations

import ast

from ..types import BOOL, BOTTOM, FLOAT, INT, NONE, NUM, STR, is_tuple, list_of, show, valtype
from .syntax import RenameNames
from .wat_helpers import F64, I32, I64, call, concrete, lget


class ComprehensionsMixin:
    """Comprehension compilation of `FunctionCompiler` (function.py)."""

    # ---- comprehensions: list / sum / min / max / any / all over generators ----

    def expr_ListComp(self, node):
        return self.comprehension(node, "list")

    def expr_GeneratorExp(self, node):
        self.fail(node, "GeneratorExp", "generator expressions are only supported inside sum/min/max/sorted/list/any/all")

    def comprehension(self, node, kind):
        # Comprehension variables get their own names so they cannot clobber the function's.
        renames = {}
        for g in node.generators:
            for n in ast.walk(g.target):
                if isinstance(n, ast.Name):
                    renames[n.id] = self.comp_name(n.id, node)
        node = RenameNames(renames).rename_comprehension(node)
        return self.collect_generators(node.generators, node.elt, node, kind)

    def comp_name(self, name, node):
        """A private local for a comprehension variable, stable across inference passes."""
        names = self.inst.comp_names
        key = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0), name)  # survives deepcopy
        if key not in names:
            taken = self.inst.syntax_locals | self.u.global_names | set(names.values())
            new = name
            k = 1
            while new in taken:
                k += 1
                new = f"{name}_{k}"
            names[key] = new
        self.inst.local_names.add(names[key])
        return names[key]

    def collect(self, target, iter_node, elt, node, kind):
        item = self.comp_name("item", node)
        gen = ast.comprehension(target=ast.Name(id=item, ctx=ast.Store()), iter=iter_node, ifs=[], is_async=0)
        return self.collect_generators([gen], ast.Name(id=item, ctx=ast.Load()), node, kind)

    def collect_generators(self, generators, elt, node, kind):
        state = {}

        def innermost():
            c, t = self.expr(elt)
            state["t"] = t
            if t == BOTTOM:
                return [["drop", c]] if c is not None else []
            return self.accumulate(kind, state, c, t, node)

        def build(i):
            g = generators[i]
            if g.is_async:
                self.fail(node, "comprehension", "async comprehensions are not supported")

            def body():
                inner = build(i + 1) if i + 1 < len(generators) else innermost()
                for cond in reversed(g.ifs):
                    inner = [["if", self.cond(cond), ["then", *inner]]]
                return inner
            return self.for_loop(g.target, g.iter, body, node)

        # accumulator locals are created lazily by accumulate(); set up before the loops
        loops = build(0)
        t = state.get("t", BOTTOM)
        return self.finish_accumulator(kind, state, loops, t, node)

    def check_item_type(self, t, node):
        if is_tuple(t) or t == NONE:
            self.fail(node, "List", f"lists of {show(t)} are not supported")

    def accumulate(self, kind, state, c, t, node):
        if kind == "list":
            self.check_item_type(t, node)
            if "acc" not in state:
                state["acc"] = self.temp("i32", "list")
            return [call("list_append_" + valtype(concrete(t)), lget(state["acc"]), c)]
        if kind == "sum":
            if t == BOOL:
                c, t = ["i64.extend_i32_u", c], INT
                state["t"] = INT
            if t not in (INT, FLOAT, NUM):
                self.fail(node, "sum", f"sum() of {show(t)} is not supported")
            if "acc" not in state:
                state["acc"] = self.temp(valtype(t), "total")
                if t == FLOAT:  # only a float sum needs to know whether anything was added
                    state["any"] = self.temp("i32", "nonempty")
            acc = state["acc"]
            if t == INT:
                new = self.int_op("add", lget(acc), c)
            elif t == FLOAT:
                new = ["f64.add", lget(acc), c]
            else:
                new = self.lib_call("num_add", [(lget(acc), NUM), (c, NUM)], node)[0]
            out = [["local.set", "$" + acc, new]]
            if "any" in state:
                out.append(["local.set", "$" + state["any"], I32(1)])
            return out
        if kind in ("min", "max"):
            if t not in (INT, FLOAT, STR):
                self.fail(node, kind, f"{kind}() of {show(t)} is not supported")
            if "acc" not in state:
                state["acc"] = self.temp(valtype(t), kind)
                state["any"] = self.temp("i32", "nonempty")
            acc, anyv = state["acc"], state["any"]
            item = self.temp(valtype(t), "item")
            better = self.compare(ast.Lt() if kind == "min" else ast.Gt(), (lget(item), t), (lget(acc), t), node)
            return [["local.set", "$" + item, c],
                    ["if", ["i32.or", ["i32.eqz", lget(anyv)], better],
                     ["then", ["local.set", "$" + acc, lget(item)], ["local.set", "$" + anyv, I32(1)]]]]
        if kind in ("any", "all"):
            if "acc" not in state:
                state["acc"] = self.temp("i32", kind)
            test = self.truthy(c, t, node)
            if kind == "any":
                return [["if", test, ["then", ["local.set", "$" + state["acc"], I32(1)]]]]
            return [["if", ["i32.eqz", test], ["then", ["local.set", "$" + state["acc"], I32(0)]]]]
        raise AssertionError(kind)

    def finish_accumulator(self, kind, state, loops, t, node):
        if t == BOTTOM and "acc" not in state:
            if kind == "list":
                return ["block", ["result", "i32"], *loops, call("list_new", I32(0))], list_of(BOTTOM)
            return ["block", ["result", "i32"], *loops, ["unreachable"]], BOTTOM
        acc = state["acc"]
        if kind == "list":
            return ["block", ["result", "i32"], ["local.set", "$" + acc, call("list_new", I32(0))], *loops,
                    lget(acc)], list_of(t)
        if kind == "sum":
            t = state["t"]
            init = I64(0) if t == INT else (F64(0.0) if t == FLOAT else call("box_int", I64(0)))
            setup = [["local.set", "$" + acc, init]]
            if "any" in state:
                setup.append(["local.set", "$" + state["any"], I32(0)])
            if t == FLOAT:
                # Python's sum starts from the int 0: an empty float sum is the int 0
                result = ["if", ["result", "i32"], lget(state["any"]), ["then", call("box_float", lget(acc))],
                          ["else", call("box_int", I64(0))]]
                return ["block", ["result", "i32"], *setup, *loops, result], NUM
            return ["block", ["result", valtype(t)], *setup, *loops, lget(acc)], t
        if kind in ("min", "max"):
            vt = valtype(t)
            setup = [["local.set", "$" + state["any"], I32(0)]]
            check = ["if", ["i32.eqz", lget(state["any"])],
                     ["then", self.raise_code("ValueError", self.str_const(f"{kind}() arg is an empty sequence"))]]
            return ["block", ["result", vt], *setup, *loops, check, lget(acc)], t
        if kind in ("any", "all"):
            init = I32(0) if kind == "any" else I32(1)
            return ["block", ["result", "i32"], ["local.set", "$" + acc, init], *loops, lget(acc)], BOOL
        raise AssertionError(kind)
