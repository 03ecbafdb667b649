"""Calls: user functions, the runtime library, intrinsics, math; then methods of str and list."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..errors import ConversionError
from ..types import (BOOL, BOTTOM, FLOAT, INT, NONE, NUM, STR, elem, has_bottom, is_list, join, list_of, show,
                     slot_load, suffix, valtype, valtypes)
from .intrinsics import INTRINSICS
from .wat_helpers import (ANYLIST, ERROR_NAMES, F64, I32, I64, MATH_INT_IDENTITY, call, concrete, from_bits, is_trivial,
                          lget, to_bits)

if TYPE_CHECKING:
    from .unit import FunctionInfo


class CallsMixin:
    """Call and method-call compilation of `FunctionCompiler` (function.py)."""

    def expr_Call(self, node):
        return self.call(node)

    def call(self, node, statement=False):
        f = node.func
        if isinstance(f, ast.Attribute):
            if isinstance(f.value, ast.Name) and f.value.id in self.u.math_module_names:
                return self.math_call(f.attr, node)
            return self.method_call(f, node, statement)
        if not isinstance(f, ast.Name):
            self.fail(node, "Call", "only calls of named functions are supported")
        name = f.id
        if name in self.u.functions and name not in self.inst.local_names:
            return self.user_call(name, node)
        if name in self.u.math_names and name not in self.inst.local_names:
            return self.math_call(self.u.math_names[name], node)
        if name in INTRINSICS and self.library:
            return self.intrinsic(name, node)
        if name in ERROR_NAMES:
            self.fail(node, "Call", f"{name}(...) outside 'raise' is not supported")
        method = getattr(self, "builtin_" + name, None)
        if method is not None and name not in self.inst.local_names and not self.final and name != "print" and not any(
                isinstance(a, (ast.GeneratorExp, ast.ListComp, ast.Starred)) for a in node.args):
            # an argument whose type is not known yet: the result type is not known either
            if any(self.arg_type_or_none(a) == BOTTOM for a in node.args):
                return ["unreachable"], BOTTOM
        if method is not None and name not in self.inst.local_names:
            if statement and name == "print":
                return self.builtin_print(node), NONE
            return method(node)
        if self.library:
            sig = self.u.lib_signature(name)
            if sig is not None:
                return self.typed_call(name, sig, node)
        self.fail(node, "Call", f"function '{name}' is not defined or not supported")

    def arg_type_or_none(self, node):
        try:
            return self.expr(node)[1]
        except ConversionError:
            return None  # range(...) and friends: the builtin itself decides

    def bind_args(self, info: FunctionInfo, node):
        args = list(node.args)
        if any(isinstance(a, ast.Starred) for a in args):
            self.fail(node, "Starred", "*args in calls is not supported")
        if len(args) > len(info.params):
            self.fail(node, "Call", f"{info.name}() takes {len(info.params)} arguments, got {len(args)}")
        bound = dict(zip(info.params, args))
        for kw in node.keywords:
            if kw.arg is None or kw.arg not in info.params or kw.arg in bound:
                self.fail(node, "keyword", f"bad keyword argument {kw.arg!r} for {info.name}()")
            bound[kw.arg] = kw.value
        out = []
        for p in info.params:
            if p in bound:
                out.append(bound[p])
            elif p in info.defaults:
                out.append(info.defaults[p])
            else:
                self.fail(node, "Call", f"{info.name}() missing argument '{p}'")
        return out

    def user_call(self, name, node):
        info = self.u.functions[name]
        arg_nodes = self.bind_args(info, node)
        vals = [self.expr(a) for a in arg_nodes]
        if info.library:
            return self.typed_call(name, (info.param_types, info.ret_type), node, vals)
        types = tuple(t for _, t in vals)
        if any(has_bottom(t) and not is_list(t) for t in types):
            return ["unreachable"], BOTTOM
        types = tuple(t for t in types)
        inst = self.u.instance(name, types)
        ret = inst.ret
        code = ["call", "$" + inst.wat_name, *[c for c, _ in vals]]
        check = self.undefined_function_check(name, node.func)
        if check is not None and ret != BOTTOM:
            rts = valtypes(concrete(ret))
            code = ["block", ["result", *rts], check, code] if rts else ["block", check, code]
        return code, ret

    def undefined_function_check(self, name, ref):
        """A call that may run before the function's `def` statement: NameError like CPython."""
        if name not in self.u.flagged_functions:
            return None
        key = (name, getattr(ref, "lineno", None), getattr(ref, "col_offset", None))
        if self.inst.func is None and key not in self.u.unsafe_reads:
            return None
        return ["if", ["i32.eqz", ["global.get", f"${name}.defined"]],
                ["then", self.raise_code("NameError", self.str_const(f"name '{name}' is not defined"))]]

    def typed_call(self, name, sig, node, vals=None):
        params, ret = sig
        if vals is None:
            if node.keywords:
                self.fail(node, "keyword", "keyword arguments to runtime functions are not supported")
            vals = [self.expr(a) for a in node.args]
        if len(vals) != len(params):
            self.fail(node, "Call", f"{name}() takes {len(params)} arguments, got {len(vals)}")
        codes = []
        anylist = None
        for (c, t), p in zip(vals, params):
            if p == ANYLIST:
                if not is_list(t) and t != BOTTOM:
                    self.fail(node, "Call", f"{name}() needs a list, got {show(t)}")
                anylist = anylist or t
                codes.append(c)
            else:
                codes.append(self.coerce(c, t, p, node) if t != BOTTOM else c)
        if ret == ANYLIST:
            ret = anylist or BOTTOM
        return call(name, *codes), ret

    def lib_call(self, name, vals, node):
        """Call a runtime-library function with already compiled arguments [(code, type)]."""
        sig = self.u.lib_signature(name)
        if sig is None:
            where = node if node is not None else (self.inst.func.node if self.inst.func else None)
            self.fail(where, "runtime", f"the runtime library has no function '{name}' (yet)")
        params, ret = sig
        codes, ret = self.coerce_arguments(vals, params, ret, node)
        return call(name, *codes), ret

    def intrinsic(self, name, node):
        params, ret, build = INTRINSICS[name]
        vals = [self.expr(a) for a in node.args]
        if len(vals) != len(params) or node.keywords:
            self.fail(node, "Call", f"intrinsic {name}() takes {len(params)} arguments")
        codes, ret = self.coerce_arguments(vals, params, ret, node)
        return build(codes), ret

    def coerce_arguments(self, vals, params, ret, node):
        """Coerce typed argument codes to the parameter types; an ANYLIST result takes the list argument's type."""
        codes = []
        anylist = None
        for (c, t), p in zip(vals, params):
            if p == ANYLIST:
                anylist = anylist or t
                codes.append(c)
            else:
                codes.append(self.coerce(c, t, p, node))
        return codes, (anylist if ret == ANYLIST else ret)

    def math_call(self, fname, node):
        if fname == "isclose" and node.keywords:
            return self.math_isclose(node)
        if node.keywords:
            self.fail(node, "keyword", f"keyword arguments to math.{fname} are not supported")
        if fname == "fsum":
            return self.math_fsum(node)
        vals = [self.expr(a) for a in node.args]
        if any(t == BOTTOM for _, t in vals):
            return ["unreachable"], BOTTOM
        if fname in MATH_INT_IDENTITY and len(vals) == 1 and vals[0][1] in (INT, BOOL):
            return self.as_int(vals[0][0], vals[0][1], node), INT
        if fname == "log" and len(vals) == 2:
            fname = "log_base"
        if fname in ("prod", "dist"):
            self.fail(node, "math", f"math.{fname} is not supported")
        sig = self.u.lib_signature(fname)
        if sig is None:
            self.fail(node, "math", f"math.{fname} is not available in the runtime library")
        params, ret = sig
        if len(params) != len(vals):
            self.fail(node, "math", f"math.{fname}() takes {len(params)} arguments, got {len(vals)}")
        codes = []
        for (c, t), p in zip(vals, params):
            if p == FLOAT and t in (INT, BOOL, NUM, FLOAT):
                codes.append(self.as_float(c, t))
            elif p == INT and t in (INT, BOOL):
                codes.append(self.as_int(c, t, node))
            else:
                self.fail(node, "math", f"math.{fname}() argument of type {show(t)} is not supported")
        return call(fname, *codes), ret

    def math_isclose(self, node):
        """math.isclose(a, b, rel_tol=..., abs_tol=...) -> isclose_tol(a, b, rel_tol, abs_tol)."""
        if len(node.args) != 2:
            self.fail(node, "math", "math.isclose() takes two positional arguments")
        names = [kw.arg for kw in node.keywords]
        if not set(names) <= {"rel_tol", "abs_tol"} or len(set(names)) != len(names):
            self.fail(node, "keyword", "math.isclose() takes only the keywords rel_tol= and abs_tol=")
        vals = [self.expr(a) for a in node.args] + [self.expr(kw.value) for kw in node.keywords]
        if any(t == BOTTOM for _, t in vals):
            return ["unreachable"], BOTTOM
        for _, t in vals:
            if t not in (INT, BOOL, FLOAT, NUM):
                self.fail(node, "math", f"math.isclose() argument of type {show(t)} is not supported")
        codes = [self.as_float(c, t) for c, t in vals]
        tols = {"rel_tol": F64(1e-09), "abs_tol": F64(0.0)}
        if names == ["abs_tol", "rel_tol"] and not all(is_trivial(c) for c in codes[2:]):
            # Python evaluates abs_tol first here: keep that order through temporaries
            ta, tr = self.temp("f64"), self.temp("f64")
            return ["block", ["result", "i32"], ["local.set", "$" + ta, codes[2]], ["local.set", "$" + tr, codes[3]],
                    call("isclose_tol", codes[0], codes[1], lget(tr), lget(ta))], BOOL
        for n, c in zip(names, codes[2:]):
            tols[n] = c
        return self.lib_call("isclose_tol", [(codes[0], FLOAT), (codes[1], FLOAT), (tols["rel_tol"], FLOAT),
                                             (tols["abs_tol"], FLOAT)], node)

    def math_fsum(self, node):
        """math.fsum(list_of_floats) -> fsum; a list of ints (or an iterable) is not supported."""
        if len(node.args) != 1:
            self.fail(node, "math", "math.fsum() takes one argument")
        c, t = self.expr(node.args[0])
        if t == BOTTOM or (is_list(t) and elem(t) == BOTTOM and not self.final):
            return ["unreachable"], BOTTOM
        if is_list(t) and concrete(t) == list_of(INT):
            return self.lib_call("fsum_int", [(c, concrete(t))], node)
        if not (is_list(t) and concrete(t) == list_of(FLOAT)):
            self.fail(node, "math", f"math.fsum() of {show(t)} is not supported (a list of ints or floats is)")
        return self.lib_call("fsum", [(c, t)], node)

    # ---- methods ----

    def method_call(self, f: ast.Attribute, node, statement):
        obj, ot = self.expr(f.value)
        m = f.attr
        if ot == BOTTOM:
            for a in node.args:
                self.expr(a)
            return ["unreachable"], BOTTOM
        if ot == STR:
            return self.str_method(m, obj, node)
        if is_list(ot):
            return self.list_method(m, obj, ot, f, node)
        self.fail(node, "method", f"method .{m}() of {show(ot)} is not supported")

    STR_METHODS = {
        # name: (runtime function, number of extra args (min, max))
        "lower": ("str_lower", 0, 0), "upper": ("str_upper", 0, 0), "title": ("str_title", 0, 0),
        "capitalize": ("str_capitalize", 0, 0), "swapcase": ("str_swapcase", 0, 0),
        "count": ("str_count", 1, 1), "find": ("str_find", 1, 1), "index": ("str_index", 1, 1),
        "rfind": ("str_rfind", 1, 1),
        "startswith": ("str_startswith", 1, 1), "endswith": ("str_endswith", 1, 1),
        "replace": ("str_replace", 2, 2), "join": ("str_join", 1, 1),
        "isalpha": ("str_isalpha", 0, 0), "isdigit": ("str_isdigit", 0, 0), "isspace": ("str_isspace", 0, 0),
        "isupper": ("str_isupper", 0, 0), "islower": ("str_islower", 0, 0), "isalnum": ("str_isalnum", 0, 0),
        "isnumeric": ("str_isdigit", 0, 0), "isdecimal": ("str_isdigit", 0, 0),
        "zfill": ("str_zfill", 1, 1), "center": ("str_center", 1, 1), "ljust": ("str_ljust", 1, 1),
        "rjust": ("str_rjust", 1, 1),
    }

    def str_format(self, obj_node, node):
        """'{} and {:.2f}'.format(a, b) with a literal template: the same pieces as an f-string."""
        import string

        if not (isinstance(obj_node, ast.Constant) and isinstance(obj_node.value, str)):
            self.fail(node, "method", "str.format() needs a string literal template")
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            self.fail(node, "method", "str.format(*args/**kwargs) is not supported")
        args = [self.expr(a) for a in node.args]
        kwargs = {k.arg: self.expr(k.value) for k in node.keywords}
        try:
            fields = list(string.Formatter().parse(obj_node.value))
        except ValueError as e:
            self.fail(node, "method", f"str.format() template: {e}")
        parts, auto = [], 0
        for literal, field, spec, conversion in fields:
            if literal:
                parts.append(self.str_const(literal))
            if field is None:
                continue
            if "{" in (spec or ""):
                self.fail(node, "method", "nested replacement fields are not supported")
            if field == "":
                key = auto
                auto += 1
            elif field.isdigit():
                key = int(field)
            elif field.isidentifier():
                key = field
            else:
                self.fail(node, "method", f"format field {field!r} is not supported")
            if isinstance(key, int) and key >= len(args) or isinstance(key, str) and key not in kwargs:
                self.fail(node, "method", f"str.format() has no argument for field {{{field}}}")
            code, t = args[key] if isinstance(key, int) else kwargs[key]
            if conversion == "r":
                code, t = self.repr_str(code, t, node), STR
            elif conversion == "s":
                code, t = self.to_str(code, t, node), STR
            elif conversion is not None:
                self.fail(node, "method", f"conversion !{conversion} is not supported")
            parts.append(self.format_value(code, t, spec or "", node))
        return self.concatenated(parts)

    def str_method(self, m, obj, node):
        if m == "format":
            return self.str_format(node.func.value, node)
        args = [self.expr(a) for a in node.args]
        if node.keywords:
            self.fail(node, "keyword", f"keyword arguments to str.{m}() are not supported")
        if m in ("split", "strip", "lstrip", "rstrip"):
            if len(args) == 0:
                return self.lib_call(f"str_{m}_ws" if m != "split" else "str_split_ws", [(obj, STR)], node)
            if len(args) == 1 and args[0][1] == STR:
                return self.lib_call(f"str_{m}", [(obj, STR)] + args, node)
            self.fail(node, "method", f"str.{m}() with these arguments is not supported")
        if m == "join" and len(args) == 1 and args[0][1] not in (STR,) and not is_list(args[0][1]):
            self.fail(node, "method", "str.join() needs a list of strings")
        if m == "join" and args and is_list(args[0][1]) and elem(args[0][1]) not in (STR, BOTTOM):
            self.fail(node, "method", f"str.join() of {show(args[0][1])}: items must be str (TypeError in Python)")
        spec = self.STR_METHODS.get(m)
        if spec is None:
            self.fail(node, "method", f"str.{m}() is not supported")
        fn, lo, hi = spec
        if not lo <= len(args) <= hi:
            self.fail(node, "method", f"str.{m}() with {len(args)} arguments is not supported")
        return self.lib_call(fn, [(obj, STR)] + args, node)

    def list_method(self, m, obj, ot, f, node):
        et = elem(ot)
        args = [self.expr(a) for a in node.args]
        kw = {k.arg: k.value for k in node.keywords}
        name_target = f.value.id if isinstance(f.value, ast.Name) else None
        if m == "append" and len(args) == 1 and not kw:
            (c, t), = args
            self.check_item_type(t, node)
            if name_target and t != BOTTOM:
                # appends type the list variable too (x = [] ... x.append(1.5)); recorded every pass
                self.record(name_target, list_of(t if et in (BOTTOM, t) else join(t, et)), node)
            if et == BOTTOM:
                et = t
            if t == BOTTOM:
                return ["unreachable"], NONE
            want = et
            if t != et and {t, et} <= {INT, FLOAT, NUM}:
                if et != NUM and name_target:
                    self.record(name_target, list_of(join(t, et)), node)
                want = NUM
            return call("list_append_" + valtype(concrete(want)), obj, self.coerce(c, t, want, node)), NONE
        if et == BOTTOM and not self.final:
            # items not known yet (an empty list that is filled later): type it in a later pass
            return ["unreachable"], {"count": INT, "index": INT, "copy": ot, "pop": BOTTOM}.get(m, NONE)
        if m == "copy" and not args and not kw:
            return call("list_copy", obj), ot
        if m == "extend" and len(args) == 1:
            self.check_extend(ot, args[0][1], node)
            if name_target and elem(args[0][1]) != BOTTOM:
                self.record(name_target, args[0][1], node)
            return call("list_extend", obj, args[0][0]), NONE
        if m == "sort" and not args:
            rev = self.reverse_flag(kw, node)
            return self.lib_call(f"list_{suffix(et)}_sort", [(obj, ot), (rev, BOOL)], node)[0], NONE
        if m == "reverse" and not args and not kw:
            return self.lib_call("list_reverse", [(obj, ot)], node)[0], NONE
        if m == "pop" and len(args) <= 1 and not kw:
            idx = self.as_int(*args[0], node) if args else I64(-1)
            bits = self.lib_call("list_pop_bits", [(obj, ot), (idx, INT)], node)[0]
            return from_bits(bits, concrete(et)), et
        if m == "insert" and len(args) == 2 and not kw:
            c, t = args[1]
            c = self.coerce(c, t, et, node)
            return self.lib_call("list_insert_bits", [(obj, ot), (self.as_int(*args[0], node), INT),
                                                      (to_bits(c, concrete(et)), INT)], node)[0], NONE
        if m in ("index", "count") and len(args) == 1 and not kw and et in (INT, STR, FLOAT):
            c, t = args[0]
            if t == BOOL and et == INT:
                c, t = ["i64.extend_i32_u", c], INT
            if t != et:
                self.fail(node, "method", f"list.{m}() of a {show(t)} in {show(ot)} is not supported")
            return self.lib_call(f"list_{suffix(et)}_{m}", [(obj, ot), (c, t)], node)
        self.fail(node, "method", f"list.{m}() with these arguments is not supported")

    def load_raw_slot(self, addr, et):
        return [slot_load(concrete(et)), addr]

    def store_op(self, et):
        return {"i64": "i64.store", "f64": "f64.store", "i32": "i32.store"}[valtype(concrete(et))]

    def reverse_flag(self, kw, node):
        rev = I32(0)
        for k, v in kw.items():
            if k != "reverse":
                self.fail(node, "keyword", f"keyword '{k}' is not supported here (only reverse=)")
            c, t = self.expr(v)
            rev = self.truthy(c, t, v)
        return rev
