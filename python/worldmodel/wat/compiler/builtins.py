"""Builtin functions: builtin_NAME compiles a call to NAME (print, len, int, sorted, min, ...)."""

from __future__ import annotations

import ast

from ..types import BOOL, BOTTOM, FLOAT, INT, NUM, STR, elem, is_list, list_of, show, suffix, valtype
from .wat_helpers import I32, call, concrete, fixed_point_format, is_trivial, lget


class BuiltinsMixin:
    """builtin_NAME methods of `FunctionCompiler` (function.py)."""

    def one_arg(self, node, name):
        if len(node.args) != 1 or node.keywords:
            self.fail(node, "Call", f"{name}() takes exactly one argument here")
        return self.expr(node.args[0])

    def by_type(self, node, name, c, t, lowerings):
        """`name`(x) by the type of x: `lowerings` maps a type to a thunk giving (code, type); code that never
        returns passes through, any other type is unsupported."""
        if t in lowerings:
            return lowerings[t]()
        if t == BOTTOM:
            return c, BOTTOM
        self.fail(node, name, f"{name}() of {show(t)} is not supported")

    def builtin_print(self, node):
        sep, end = " ", "\n"
        sep_code = end_code = None
        for kw in node.keywords:
            if kw.arg not in ("sep", "end"):
                self.fail(node, "keyword", f"print(..., {kw.arg}=) is not supported")
            if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                if kw.arg == "sep":
                    sep = kw.value.value
                else:
                    end = kw.value.value
            else:
                c, t = self.expr(kw.value)
                if t != STR:
                    self.fail(kw.value, "keyword", f"print {kw.arg}= must be a str")
                tmp = self.temp("i32", kw.arg)
                if kw.arg == "sep":
                    sep_code = tmp
                else:
                    end_code = tmp
        out = []
        if sep_code:
            out.append(["local.set", "$" + sep_code, self.expr([k for k in node.keywords if k.arg == "sep"][0].value)[0]])
        if end_code:
            out.append(["local.set", "$" + end_code, self.expr([k for k in node.keywords if k.arg == "end"][0].value)[0]])
        if any(isinstance(a, ast.Starred) for a in node.args):
            self.fail(node, "Starred", "print(*args) is not supported")
        pieces: list = []  # ("lit", str) or ("val", code, type)
        for i, a in enumerate(node.args):
            if i > 0:
                pieces.append(("var", sep_code) if sep_code else ("lit", sep))
            if isinstance(a, ast.JoinedStr):
                for v in a.values:
                    if isinstance(v, ast.Constant):
                        pieces.append(("lit", v.value))
                    else:
                        pieces.append(("val", self.formatted(v), STR))
            elif isinstance(a, ast.Constant) and isinstance(a.value, str):
                pieces.append(("lit", a.value))
            else:
                c, t = self.expr(a)
                pieces.append(("val", c, t))
        pieces.append(("var", end_code) if end_code else ("lit", end))
        # Python evaluates every argument before writing anything: hoist values that may raise
        unsafe = [i for i, p in enumerate(pieces) if p[0] == "val" and not is_trivial(p[1])]
        if len(unsafe) > 1 or (unsafe and any(p[0] != "val" for p in pieces[:unsafe[-1]])):
            for i in unsafe:
                _, c, t = pieces[i]
                if t == BOTTOM:
                    continue
                tmp = self.temp(valtype(concrete(t)), "arg")
                out.append(["local.set", "$" + tmp, c])
                pieces[i] = ("val", lget(tmp), t)
        # merge adjacent literals, then write each piece; the last value + "\n" becomes print_*
        merged: list = []
        for p in pieces:
            if p[0] == "lit" and merged and merged[-1][0] == "lit":
                merged[-1] = ("lit", merged[-1][1] + p[1])
            elif not (p[0] == "lit" and p[1] == ""):
                merged.append(p)
        for i, p in enumerate(merged):
            is_last_value = i == len(merged) - 2 and merged[-1] == ("lit", "\n")
            if p[0] == "lit":
                if i == len(merged) - 1 and len(merged) >= 2 and merged[-2][0] == "val" and p[1] == "\n" \
                        and merged[-2][2] != BOTTOM:
                    continue  # folded into print_* of the previous value
                if p[1].endswith("\n") and len(p[1]) > 1 and i == len(merged) - 1:
                    out.append(self.lib_call("print_str", [(self.str_const(p[1][:-1]), STR)], node)[0])
                else:
                    out.append(self.lib_call("write_str", [(self.str_const(p[1]), STR)], node)[0])
            elif p[0] == "var":
                out.append(self.lib_call("write_str", [(lget(p[1]), STR)], node)[0])
            else:
                _, c, t = p
                if t == BOTTOM:
                    out.append(["drop", c])
                    continue
                prefix = "print" if is_last_value else "write"
                fixed = fixed_point_format(c)
                if fixed is not None:
                    out.append(self.lib_call(f"{prefix}_fixed", [(fixed[0], FLOAT), (fixed[1], INT)], node)[0])
                elif t in (INT, FLOAT, BOOL, STR):
                    fn = {INT: "i64", FLOAT: "f64", BOOL: "bool", STR: "str"}[t]
                    out.append(self.lib_call(f"{prefix}_{fn}", [(c, t)], node)[0])
                else:
                    out.append(self.lib_call(f"{prefix}_str", [(self.to_str(c, t, node), STR)], node)[0])
        return out or [["nop"]]  # print(end=''): nothing to write, but a statement all the same

    def builtin_len(self, node):
        c, t = self.one_arg(node, "len")
        if is_list(t):
            return call("list_len", c), INT
        if t == STR:
            return self.lib_call("str_len", [(c, STR)], node)
        if t == BOTTOM:
            return ["unreachable"], BOTTOM
        self.fail(node, "len", f"len() of {show(t)} is not supported")

    def builtin_str(self, node):
        if not node.args:
            return self.str_const(""), STR
        c, t = self.one_arg(node, "str")
        return self.to_str(c, t, node), STR

    def builtin_repr(self, node):
        c, t = self.one_arg(node, "repr")
        return self.repr_str(c, t, node), STR

    def builtin_int(self, node):
        if len(node.args) == 2:
            self.fail(node, "int", "int(x, base) is not supported")
        c, t = self.one_arg(node, "int")
        return self.by_type(node, "int", c, t, {
            INT: lambda: (c, INT),
            BOOL: lambda: (["i64.extend_i32_u", c], INT),
            FLOAT: lambda: (call("float_to_int", c), INT),
            STR: lambda: self.lib_call("str_to_int", [(c, STR)], node),
            NUM: lambda: self.lib_call("num_to_int", [(c, NUM)], node),
        })

    def builtin_float(self, node):
        c, t = self.one_arg(node, "float")
        if t in (INT, BOOL, FLOAT, NUM):
            return self.as_float(c, t), FLOAT
        return self.by_type(node, "float", c, t, {STR: lambda: self.lib_call("parse_float", [(c, STR)], node)})

    def builtin_bool(self, node):
        c, t = self.one_arg(node, "bool")
        return self.truthy(c, t, node), BOOL

    def builtin_abs(self, node):
        c, t = self.one_arg(node, "abs")
        return self.by_type(node, "abs", c, t, {
            INT: lambda: (call("int_abs", c), INT),
            BOOL: lambda: (["i64.extend_i32_u", c], INT),
            FLOAT: lambda: (["f64.abs", c], FLOAT),
            NUM: lambda: self.lib_call("num_abs", [(c, NUM)], node),
        })

    def builtin_round(self, node):
        if node.keywords or not 1 <= len(node.args) <= 2:
            self.fail(node, "round", "round(x[, ndigits]) expected")
        c, t = self.expr(node.args[0])
        if t == BOTTOM:
            return c, BOTTOM
        if len(node.args) == 1:
            if t in (INT, BOOL):
                return self.as_int(c, t, node), INT
            if t == FLOAT:
                return call("round_float_to_int", c), INT
            if t == NUM:
                return self.lib_call("num_round", [(c, NUM)], node)
            self.fail(node, "round", f"round() of {show(t)} is not supported")
        nd, nt = self.expr(node.args[1])
        if nt not in (INT, BOOL):
            self.fail(node, "round", "round() ndigits must be an int")
        nd = self.as_int(nd, nt, node)
        if t == FLOAT:
            return self.lib_call("round_float", [(c, FLOAT), (nd, INT)], node)
        if t in (INT, BOOL):
            return self.lib_call("int_round", [(self.as_int(c, t, node), INT), (nd, INT)], node)
        if t == NUM:
            return self.lib_call("num_round_digits", [(c, NUM), (nd, INT)], node)
        self.fail(node, "round", f"round() of {show(t)} is not supported")

    def builtin_ord(self, node):
        c, t = self.one_arg(node, "ord")
        if t != STR:
            self.fail(node, "ord", "ord() needs a str")
        return self.lib_call("str_ord", [(c, STR)], node)

    def builtin_chr(self, node):
        c, t = self.one_arg(node, "chr")
        return self.lib_call("str_chr", [(self.as_int(c, t, node), INT)], node)

    def builtin_pow(self, node):
        if len(node.args) != 2 or node.keywords:
            self.fail(node, "pow", "pow(a, b) with two arguments expected")
        return self.binop(ast.Pow(), node.args[0], node.args[1], node)

    def builtin_divmod(self, node):
        self.fail(node, "divmod", "divmod() is not supported (use // and %)")

    def builtin_format(self, node):
        if len(node.args) not in (1, 2) or node.keywords:
            self.fail(node, "format", "format(value[, spec]) expected")
        spec = ""
        if len(node.args) == 2:
            s = node.args[1]
            if not (isinstance(s, ast.Constant) and isinstance(s.value, str)):
                self.fail(node, "format", "format() spec must be a string literal")
            spec = s.value
        c, t = self.expr(node.args[0])
        return self.format_value(c, t, spec, node), STR

    def builtin_list(self, node):
        if not node.args:
            return call("list_new", I32(0)), list_of(BOTTOM)
        a = node.args[0]
        if isinstance(a, ast.Call) and isinstance(a.func, ast.Name) and a.func.id == "range":
            return self.collect(ast.Name(id="_", ctx=ast.Load()), a, None, node, kind="list")
        if isinstance(a, ast.GeneratorExp):
            return self.comprehension(a, "list")
        if isinstance(a, ast.Call) and isinstance(a.func, ast.Name) and a.func.id in ("reversed", "zip", "enumerate"):
            if a.func.id == "reversed":
                return self.collect(ast.Name(id="_", ctx=ast.Load()), a, None, node, kind="list")
            self.fail(node, "list", f"list({a.func.id}(...)) is not supported (tuples)")
        c, t = self.one_arg(node, "list")
        if t == STR:
            return self.lib_call("str_chars", [(c, STR)], node)
        if is_list(t):
            return call("list_copy", c), t
        self.fail(node, "list", f"list() of {show(t)} is not supported")

    def sorted_copy(self, c, t, node):
        """sorted()'s argument as a fresh list to sort in place: a string's characters or a copy of the list."""
        if t == STR:
            return self.lib_call("str_chars", [(c, STR)], node)
        if is_list(t):
            return call("list_copy", c), t
        if t != BOTTOM:
            self.fail(node, "sorted", f"sorted() of {show(t)} is not supported")
        return c, t

    def sorted_by_key(self, iterable, key, kw, node):
        """sorted(items, key=f): sort the keys (stable), then pick the items in that order."""
        items = self.comp_name("items", node)
        c, t = self.sorted_copy(*self.expr(iterable), node)
        setup = self.assign(ast.copy_location(ast.Name(id=items, ctx=ast.Store()), node), c, t, node)
        item = ast.copy_location(ast.Name(id="item", ctx=ast.Store()), node)
        comp = ast.copy_location(ast.ListComp(
            elt=ast.copy_location(ast.Call(func=key, args=[ast.Name(id="item", ctx=ast.Load())], keywords=[]), node),
            generators=[ast.comprehension(target=item, iter=ast.copy_location(ast.Name(id=items, ctx=ast.Load()), node),
                                          ifs=[], is_async=0)]), node)
        keys, kt = self.comprehension(comp, "list")
        if t == BOTTOM or kt == BOTTOM or elem(kt) == BOTTOM:
            return ["block", ["result", "i32"], *setup, ["drop", keys], ["unreachable"]], BOTTOM
        if elem(kt) not in (INT, FLOAT, STR):
            self.fail(node, "sorted", f"sort keys of type {show(elem(kt))} are not supported")
        rev = self.reverse_flag(kw, node)
        order, _ = self.lib_call(f"list_{suffix(elem(kt))}_argsort", [(keys, kt), (rev, BOOL)], node)
        result, _ = self.lib_call("list_gather", [(lget(items), t), (order, list_of(INT))], node)
        return ["block", ["result", "i32"], *setup, result], t

    def builtin_sorted(self, node):
        kw = {k.arg: k.value for k in node.keywords}
        if len(node.args) == 1 and isinstance(kw.get("key"), ast.Name) and not set(kw) - {"reverse", "key"}:
            key = kw.pop("key")
            return self.sorted_by_key(node.args[0], key, kw, node)
        if len(node.args) != 1 or set(kw) - {"reverse"}:
            self.fail(node, "sorted", "sorted(iterable[, key=function][, reverse=...]) expected")
        a = node.args[0]
        if isinstance(a, ast.GeneratorExp):
            c, t = self.comprehension(a, "list")
        else:
            c, t = self.sorted_copy(*self.expr(a), node)
        if t == BOTTOM:
            return c, BOTTOM
        et = elem(t)
        if et == BOTTOM:
            return c, t
        if et not in (INT, FLOAT, STR):
            self.fail(node, "sorted", f"sorting {show(t)} is not supported")
        rev = self.reverse_flag(kw, node)
        return self.lib_call(f"list_{suffix(et)}_sorted", [(c, t), (rev, BOOL)], node)[0], t

    def builtin_reversed(self, node):
        # reversed() makes an iterator, compiled here as a reversed copy: fine where it is consumed at
        # once, but printing it, len() or indexing it would give what CPython never gives
        if not self.u.library and id(node) not in self.u.consumed_reversed:
            self.fail(node, "reversed", "reversed() is supported only where its items are used at once "
                                        "(for, list(), sorted(), sum(), min(), max(), str.join(), …)")
        c, t = self.one_arg(node, "reversed")
        if is_list(t):
            return self.lib_call("list_reversed", [(c, t)], node)[0], t
        self.fail(node, "reversed", "reversed() of this value is only supported in for loops")

    def builtin_sum(self, node):
        if node.keywords or len(node.args) != 1:
            self.fail(node, "sum", "sum(iterable) expected (no start argument)")
        a = node.args[0]
        if isinstance(a, (ast.GeneratorExp, ast.ListComp)):
            return self.comprehension(a, "sum")
        c, t = self.expr(a)
        if t == BOTTOM:
            return c, BOTTOM
        if is_list(t) and elem(t) in (INT, FLOAT, NUM, BOOL, BOTTOM):
            et = elem(t) if elem(t) != BOTTOM else INT
            return self.lib_call(f"list_{suffix(et)}_sum", [(c, t)], node)
        self.fail(node, "sum", f"sum() of {show(t)} is not supported")

    def builtin_min(self, node):
        return self.minmax(node, "min")

    def builtin_max(self, node):
        return self.minmax(node, "max")

    def minmax(self, node, which):
        if len(node.keywords) == 1 and node.keywords[0].arg == "key" and len(node.args) == 1 \
                and isinstance(node.keywords[0].value, ast.Name):
            return self.minmax_key(node.args[0], node.keywords[0].value, which, node)
        if node.keywords:
            self.fail(node, "keyword", f"{which}(..., default=) and keys other than a function name are not supported")
        if len(node.args) == 1:
            a = node.args[0]
            if isinstance(a, (ast.GeneratorExp, ast.ListComp)):
                return self.comprehension(a, which)
            c, t = self.expr(a)
            if t == BOTTOM:
                return c, BOTTOM
            if t == STR:
                c, t = self.lib_call("str_chars", [(c, STR)], node)
            if is_list(t):
                t = concrete(t)
            if is_list(t) and elem(t) in (INT, FLOAT, STR):
                return self.lib_call(f"list_{suffix(elem(t))}_{which}", [(c, t)], node)
            self.fail(node, which, f"{which}() of {show(t)} is not supported")
        vals = [self.expr(a) for a in node.args]
        types = {t for _, t in vals}
        if BOTTOM in types:
            return ["unreachable"], BOTTOM
        if types == {BOOL}:
            self.fail(node, which, f"{which}() of bools is not supported")
        if types <= {INT, BOOL}:
            t = INT
            vals = [(self.as_int(c, ct, node), INT) for c, ct in vals]
        elif len(types) == 1 and types <= {FLOAT, STR}:
            t = types.pop()
        else:
            self.fail(node, which, f"{which}() of mixed types is not supported (the result type would vary)")
        vt = valtype(t)
        # Python keeps the first of equal items: replace only when strictly better
        code = vals[0][0]
        for c, _ in vals[1:]:
            a = self.temp(vt)
            b = self.temp(vt)
            op = ast.Lt() if which == "min" else ast.Gt()
            better = self.compare(op, (lget(b), t), (lget(a), t), node)
            code = ["block", ["result", vt], ["local.set", "$" + a, code], ["local.set", "$" + b, c],
                    ["select", lget(b), lget(a), better]]
        return code, t

    def minmax_key(self, iterable, key, which, node):
        """max(items, key=f): the first item whose key is largest (smallest for min), like Python."""
        item = self.comp_name("item", node)
        target = ast.copy_location(ast.Name(id=item, ctx=ast.Store()), node)
        state = {}

        def body():
            kc, kt = self.expr(ast.copy_location(ast.Call(func=key, args=[ast.Name(id=item, ctx=ast.Load())],
                                                          keywords=[]), node))
            it = self.env_type(item)
            if kt == BOTTOM or it == BOTTOM:
                return [["drop", kc]] if kt != BOTTOM else []
            if kt not in (INT, FLOAT, STR):
                self.fail(node, which, f"{which}() key values of type {show(kt)} are not supported")
            state.update(kt=kt, it=it)
            k = state.setdefault("k", self.temp(valtype(kt), "key"))
            bk = state.setdefault("bk", self.temp(valtype(kt), "best_key"))
            best = state.setdefault("best", self.temp(valtype(concrete(it)), which))
            anyv = state.setdefault("any", self.temp("i32", "nonempty"))
            better = self.compare(ast.Lt() if which == "min" else ast.Gt(), (lget(k), kt), (lget(bk), kt), node)
            return [["local.set", "$" + k, kc],
                    ["if", ["i32.or", ["i32.eqz", lget(anyv)], better],
                     ["then", ["local.set", "$" + bk, lget(k)], ["local.set", "$" + best, lget(item)],
                      ["local.set", "$" + anyv, I32(1)]]]]
        loops = self.for_loop(target, iterable, body, node)
        if "best" not in state:
            return ["block", ["result", "i32"], *loops, ["unreachable"]], BOTTOM
        vt = valtype(concrete(state["it"]))
        check = ["if", ["i32.eqz", lget(state["any"])],
                 ["then", self.raise_code("ValueError", self.str_const(f"{which}() arg is an empty sequence"))]]
        return ["block", ["result", vt], ["local.set", "$" + state["any"], I32(0)], *loops, check,
                lget(state["best"])], state["it"]

    def builtin_range(self, node):
        self.fail(node, "range", "range() is only supported in for loops, comprehensions and list(range(...))")

    def builtin_enumerate(self, node):
        self.fail(node, "enumerate", "enumerate() is only supported in for loops and comprehensions")

    def builtin_zip(self, node):
        self.fail(node, "zip", "zip() is only supported in for loops and comprehensions")

    def builtin_any(self, node):
        a = self.one_arg_node(node, "any")
        return self.comprehension(a, "any") if isinstance(a, ast.GeneratorExp) else self.any_all_list(a, "any", node)

    def builtin_all(self, node):
        a = self.one_arg_node(node, "all")
        return self.comprehension(a, "all") if isinstance(a, ast.GeneratorExp) else self.any_all_list(a, "all", node)

    def one_arg_node(self, node, name):
        if len(node.args) != 1 or node.keywords:
            self.fail(node, name, f"{name}() takes one argument")
        return node.args[0]

    def any_all_list(self, a, which, node):
        self.fail(node, which, f"{which}() of a list is not supported (use a generator expression)")
