"""Conditions (i32 truth values) and expressions: names, operators, coercions, comparisons, subscripts,
literals."""

from __future__ import annotations

import ast

from ..types import (BOOL, BOTTOM, FLOAT, INT, NONE, NUM, STR, elem, is_list, is_tuple, list_of, show, suffix, valtype,
                     valtypes)
from .syntax import const_int, const_number
from .wat_helpers import (BINOP_NAMES, CMP_F64, CMP_I32, CMP_I64, F64, I32, I64, INT_MAX, INT_MIN, MATH_CONSTANTS,
                          SWAPPED, call, concrete, const_int_code, lget)


class ExpressionsMixin:
    """cond() and expr_* methods of `FunctionCompiler` (function.py)."""

    # ---- conditions (i32 truth values) ----

    def cond(self, node) -> list:
        if isinstance(node, ast.BoolOp):
            parts = [self.cond(v) for v in node.values]
            code = parts[-1]
            for p in reversed(parts[:-1]):
                if isinstance(node.op, ast.And):
                    code = ["if", ["result", "i32"], p, ["then", code], ["else", I32(0)]]
                else:
                    code = ["if", ["result", "i32"], p, ["then", I32(1)], ["else", code]]
            return code
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return ["i32.eqz", self.cond(node.operand)]
        code, t = self.expr(node)
        return self.truthy(code, t, node)

    def truthy(self, code, t, node):
        if t == BOOL:
            return code
        if t == INT:
            return ["i64.ne", code, I64(0)]
        if t == FLOAT:
            return ["f64.ne", code, F64(0.0)]
        if t == STR or is_list(t):
            return ["i32.ne", ["i32.load", code], I32(0)]
        if t == NUM:
            return self.lib_call("num_truthy", [(code, NUM)], node)[0]
        if t == NONE:
            return I32(0)
        if t == BOTTOM:
            return ["unreachable"]
        self.fail(node, "truth", f"truth value of {show(t)} is not supported")

    # ---- expressions ----

    def expr(self, node):
        method = getattr(self, "expr_" + type(node).__name__, None)
        if method is None:
            self.fail(node, type(node).__name__, "expression not in the supported subset")
        return method(node)

    def expr_Constant(self, node):
        v = node.value
        if isinstance(v, bool):
            return I32(int(v)), BOOL
        if isinstance(v, int):
            if not INT_MIN <= v <= INT_MAX:
                self.fail(node, "int", "integer literal does not fit in 64 bits")
            return I64(v), INT
        if isinstance(v, float):
            return F64(v), FLOAT
        if isinstance(v, str):
            return self.str_const(v), STR
        if v is None:
            return None, NONE
        self.fail(node, "Constant", f"constant {v!r} not supported")

    def str_const(self, s: str):
        return I32(self.u.string_address(s))

    def expr_Name(self, node):
        name = node.id
        if self.library and name in self.u.constants and name not in self.inst.local_names:
            v = self.u.constants[name]
            if isinstance(v, tuple):
                return I32(v[2]), v[1]
            c = ast.Constant(value=v)
            ast.copy_location(c, node)
            if isinstance(v, int) and not isinstance(v, bool) and v < 0:
                return I64(v), INT
            return self.expr_Constant(c)
        if name in self.u.math_names and name not in self.inst.local_names and not self.is_global(name):
            return self.math_constant(self.u.math_names[name], node)
        if name in ("True", "False"):
            return I32(int(name == "True")), BOOL
        local = name in self.inst.local_names or (self.inst.func is None and name in self.inst.local_names)
        if self.is_global(name):
            t = self.u.global_type(name)
            return self.checked_read(node, ["global.get", "$" + name], t), t
        if local or name in self.env:
            t = self.env_type(name)
            if is_tuple(t):
                vts = valtypes(concrete(t))
                return self.checked_read(node, ["block", ["result", *vts],
                                                 *[lget(f"{name}.{k}") for k in range(len(vts))]], t), t
            return self.checked_read(node, lget(name), t), t
        self.fail(node, "Name", f"name '{name}' is not defined (or not supported)")

    def unassigned_check(self, node):
        """The check before a read that may come before the variable's assignment (definite.py), or None."""
        if self.library:
            return None
        name = node.id
        key = (name, getattr(node, "lineno", None), getattr(node, "col_offset", None))  # (synthesised: no position)
        if self.is_global(name):
            if name not in self.u.flagged_globals or (self.inst.func is None and key not in self.u.unsafe_reads):
                return None
            flag = ["global.get", f"${name}.set"]
            msg = f"name '{name}' is not defined"
            kind = "NameError"
        else:
            if key not in self.u.unsafe_reads:
                return None
            flag = lget(f"{name}.set")
            if self.inst.func is None:
                kind, msg = "NameError", f"name '{name}' is not defined"
            else:
                kind, msg = "UnboundLocalError", f"cannot access local variable '{name}' where it is not associated with a value"
        return ["if", ["i32.eqz", flag], ["then", self.raise_code(kind, self.str_const(msg))]]

    def checked_read(self, node, code, t):
        check = self.unassigned_check(node)
        if check is None or t == BOTTOM:
            return code
        vts = valtypes(concrete(t))
        if code[0] == "block":  # a tuple: the items follow the check
            return ["block", ["result", *vts], check, *code[2:]]
        return ["block", ["result", *vts], check, code]

    def flagged_names(self):
        """Variables of this instance that carry a `$name.set` flag (WASM locals)."""
        if self.library:
            return set()
        key = None if self.inst.func is None else self.inst.func.name
        names = self.u.flagged_locals.get(key, set())
        if self.inst.func is None:
            return names - self.u.global_names
        return names & self.inst.local_names

    def add_flag_sets(self, code):
        """After each assignment of a flagged variable, set its flag."""
        local_flags = self.flagged_names()
        global_flags = self.u.flagged_globals
        if not local_flags and not global_flags:
            return code

        def walk(c):
            if not isinstance(c, list):
                return c
            out = []
            for item in c:
                item = walk(item)
                out.append(item)
                if isinstance(item, list) and len(item) >= 2 and item[0] in ("local.set", "global.set") \
                        and isinstance(item[1], str):
                    name = item[1][1:]
                    base, _, k = name.rpartition(".")
                    if base and k.isdigit():
                        if k != "0":
                            continue  # a tuple variable: flag it once, after its item 0
                        name = base
                    if item[0] == "local.set" and name in local_flags:
                        out.append(["local.set", f"${name}.set", I32(1)])
                    elif item[0] == "global.set" and name in global_flags:
                        out.append(["global.set", f"${name}.set", I32(1)])
            return out
        return walk(code)

    def math_constant(self, name, node):
        if name not in MATH_CONSTANTS:
            self.fail(node, "math", f"math.{name} is not a supported constant")
        return F64(MATH_CONSTANTS[name]), FLOAT

    def expr_Attribute(self, node):
        if isinstance(node.value, ast.Name) and node.value.id in self.u.math_module_names:
            return self.math_constant(node.attr, node)
        self.fail(node, "Attribute", f"attribute '.{node.attr}' is not supported")

    def expr_UnaryOp(self, node):
        op = node.op
        if isinstance(op, ast.Not):
            return ["i32.eqz", self.cond(node.operand)], BOOL
        if isinstance(op, ast.USub) and isinstance(node.operand, ast.Constant) and type(node.operand.value) in (int, float):
            v = -node.operand.value
            if isinstance(v, int):
                if v < INT_MIN:
                    self.fail(node, "int", "integer literal does not fit in 64 bits")
                return I64(v), INT
            return F64(v), FLOAT
        code, t = self.expr(node.operand)
        if t == BOTTOM:
            return code, BOTTOM
        if isinstance(op, ast.UAdd):
            if t == BOOL:
                return ["i64.extend_i32_u", code], INT
            if t in (INT, FLOAT, NUM):
                return code, t
        if isinstance(op, ast.USub):
            if t == BOOL:
                return ["i64.sub", I64(0), ["i64.extend_i32_u", code]], INT
            if t == INT:
                return (["i64.sub", I64(0), code] if self.library else call("int_neg", code)), INT
            if t == FLOAT:
                return ["f64.neg", code], FLOAT
            if t == NUM:
                return self.lib_call("num_neg", [(code, NUM)], node)
        if isinstance(op, ast.Invert):
            if t == BOOL:
                code, t = ["i64.extend_i32_u", code], INT
            if t == INT:
                return ["i64.xor", code, I64(-1)], INT
        self.fail(node, "UnaryOp", f"unary {type(op).__name__} on {show(t)} is not supported")

    def expr_BinOp(self, node):
        return self.binop(node.op, node.left, node.right, node)

    def binop(self, op, left, right, node):
        if isinstance(op, ast.Pow) and isinstance(right, (ast.Constant, ast.UnaryOp)):
            rv = const_int(right)
            lc, lt = self.expr(left)
            if rv is not None and lt in (INT, BOOL) and rv < 0:
                # int ** negative int is a float in Python: float(a) ** float(b)
                return self.lib_call("float_pow", [(self.as_float(lc, lt), FLOAT), (F64(float(rv)), FLOAT)], node)
            return self.binop_values(op, (lc, lt), self.expr(right), node)
        if isinstance(op, ast.Div) and not self.library:
            lc, lt = self.expr(left)
            rv = const_number(right)
            if rv is not None and rv != 0 and lt in (FLOAT, INT, BOOL) and (lt == FLOAT or isinstance(rv, float)):
                # dividing by a non-zero float constant (or a float by any constant) cannot raise
                return ["f64.div", self.as_float(lc, lt), F64(float(rv))], FLOAT
            if rv is not None and rv != 0 and lt in (INT, BOOL) and isinstance(rv, int) and abs(rv) <= 2**53:
                # int / small int constant: exact when the int is at most 2**53 in magnitude
                return call("int_truediv", self.as_int(lc, lt, left), I64(rv)), FLOAT
            return self.binop_values(op, (lc, lt), self.expr(right), node)
        return self.binop_values(op, self.expr(left), self.expr(right), node)

    def binop_values(self, op, lv, rv, node):
        (lc, lt), (rc, rt) = lv, rv
        name = BINOP_NAMES.get(type(op))
        if name is None:
            self.fail(node, type(op).__name__, "operator not supported")
        if lt == BOTTOM or rt == BOTTOM:
            return ["unreachable"], BOTTOM
        if lt == BOOL and rt == BOOL and name in ("and", "or", "xor"):
            return [f"i32.{name}", lc, rc], BOOL
        if lt == BOOL:
            lc, lt = ["i64.extend_i32_u", lc], INT
        if rt == BOOL:
            rc, rt = ["i64.extend_i32_u", rc], INT
        if lt == INT and rt == INT:
            return self.int_binop(name, lc, rc, node)
        if {lt, rt} <= {INT, FLOAT}:
            if name in ("and", "or", "xor", "shl", "shr"):
                self.fail(node, type(op).__name__, "bit operations need ints")
            return self.float_binop(name, self.as_float(lc, lt), self.as_float(rc, rt), node)
        if NUM in (lt, rt) and {lt, rt} <= {INT, FLOAT, NUM}:
            if name in ("and", "or", "xor", "shl", "shr"):
                self.fail(node, type(op).__name__, "bit operations need ints")
            a = self.coerce(lc, lt, NUM, node)
            b = self.coerce(rc, rt, NUM, node)
            return self.lib_call("num_" + name, [(a, NUM), (b, NUM)], node)
        if lt == STR and rt == STR and name == "add":
            return call("str_concat", lc, rc), STR
        if name == "mul" and {lt, rt} == {STR, INT}:
            s, n = (lc, rc) if lt == STR else (rc, lc)
            return self.lib_call("str_repeat", [(s, STR), (n, INT)], node)
        if is_list(lt) and is_list(rt) and name == "add":
            if elem(lt) != BOTTOM and elem(rt) != BOTTOM and elem(lt) != elem(rt):
                self.fail(node, "BinOp", f"cannot concatenate {show(lt)} and {show(rt)}")
            return call("list_concat", lc, rc), lt if elem(lt) != BOTTOM else rt
        if name == "mul" and (is_list(lt) and rt == INT or is_list(rt) and lt == INT):
            l, n, t = (lc, rc, lt) if is_list(lt) else (rc, lc, rt)
            return call("list_repeat", l, n), t
        if name == "mod" and lt == STR:
            self.fail(node, "BinOp", "'%' string formatting is not supported (use an f-string)")
        self.fail(node, "BinOp", f"{show(lt)} {type(op).__name__} {show(rt)} is not supported")

    def int_op(self, name, a, b):
        # checked in user code and in the rt subset alike (the contract: int overflow traps)
        return call("int_" + name, a, b)

    def int_binop(self, name, a, b, node):
        if name in ("add", "sub", "mul", "floordiv", "mod", "pow"):
            return self.int_op(name, a, b), INT
        if name == "truediv":
            return call("int_truediv", a, b), FLOAT
        if name in ("and", "or", "xor"):
            return [f"i64.{name}", a, b], INT
        if name == "shl":
            return (["i64.shl", a, b] if self.library else call("int_shl", a, b)), INT
        if name == "shr":
            return (["i64.shr_s", a, b] if self.library else call("int_shr", a, b)), INT
        self.fail(node, "BinOp", f"int {name} not supported")

    def float_binop(self, name, a, b, node):
        if name in ("add", "sub", "mul"):
            return [f"f64.{name}", a, b], FLOAT
        if name == "truediv":
            return call("float_div", a, b), FLOAT
        if name == "floordiv":
            return self.lib_call("float_floordiv", [(a, FLOAT), (b, FLOAT)], node)
        if name == "mod":
            return self.lib_call("float_mod", [(a, FLOAT), (b, FLOAT)], node)
        if name == "pow":
            # the ** operator (float_pow: ZeroDivisionError for 0.0 ** -1.0), not math.pow's rules
            return self.lib_call("float_pow", [(a, FLOAT), (b, FLOAT)], node)
        self.fail(node, "BinOp", f"float {name} not supported")

    def as_float(self, code, t):
        if t == FLOAT:
            return code
        if t == INT:
            if code[0] == "i64.const" and abs(int(code[1])) <= 2**53:  # exact as a float: fold the conversion
                return F64(float(int(code[1])))
            return ["f64.convert_i64_s", code]
        if t == BOOL:
            return ["f64.convert_i32_u", code]
        if t == NUM:
            return self.lib_call("num_to_float", [(code, NUM)], None)[0]
        raise AssertionError(t)

    def as_int(self, code, t, node):
        if t == INT or t == BOTTOM:
            return code
        if t == BOOL:
            return ["i64.extend_i32_u", code]
        self.fail(node, "index", f"an int is needed here, got {show(t)}")

    def coerce(self, code, src, dst, node):
        if src == dst or src == BOTTOM or dst == BOTTOM:
            return code
        if dst == NUM:
            if src == INT:
                return call("box_int", code)
            if src == FLOAT:
                return call("box_float", code)
            if src == BOOL:
                return call("box_int", ["i64.extend_i32_u", code])
        if is_list(src) and is_list(dst):
            if elem(src) == BOTTOM or elem(dst) == "any" or elem(src) == elem(dst):
                return code
            if is_list(elem(src)) and is_list(elem(dst)):
                self.coerce(code, elem(src), elem(dst), node)
                return code
        if self.library:
            if dst == FLOAT and src in (INT, BOOL):
                return self.as_float(code, src)
            if dst == INT and src == BOOL:
                return ["i64.extend_i32_u", code]
        if not self.final:
            return code  # types from the previous pass may be stale; the final pass decides
        self.fail(node, "typing", f"a {show(src)} value where a {show(dst)} is expected")

    def expr_BoolOp(self, node):
        vals = [self.expr(v) for v in node.values]
        types = {t for _, t in vals if t != BOTTOM}
        if not types:
            return ["unreachable"], BOTTOM
        if types == {BOOL}:
            return self.cond(node), BOOL
        if len(types) != 1:
            self.fail(node, "BoolOp", "'and'/'or' with operands of different types (the result type would vary)")
        t = types.pop()
        vt = valtype(concrete(t))
        code = vals[-1][0]
        for c, _ in reversed(vals[:-1]):
            tmp = self.temp(vt)
            test = self.truthy(["local.tee", "$" + tmp, c], t, node)
            if isinstance(node.op, ast.And):
                code = ["if", ["result", vt], test, ["then", code], ["else", lget(tmp)]]
            else:
                code = ["if", ["result", vt], test, ["then", lget(tmp)], ["else", code]]
        return code, t

    def expr_IfExp(self, node):
        test = self.cond(node.test)
        a, at = self.expr(node.body)
        b, bt = self.expr(node.orelse)
        t = self.join(at, bt, node, "conditional expression")
        if t == BOTTOM:
            return ["unreachable"], BOTTOM
        vts = valtypes(concrete(t))
        return ["if", ["result", *vts], test, ["then", self.coerce(a, at, t, node)],
                ["else", self.coerce(b, bt, t, node)]], t

    def expr_Compare(self, node):
        operands = [node.left] + node.comparators
        if len(node.ops) == 1:
            return self.compare(node.ops[0], self.expr(node.left), self.expr(node.comparators[0]), node), BOOL
        # a < b < c: each middle operand evaluated once, short-circuit like Python
        left = self.expr(operands[0])
        parts = []
        for i, op in enumerate(node.ops):
            rc, rt = self.expr(operands[i + 1])
            if i < len(node.ops) - 1 and rt != BOTTOM:
                tmp = self.temp(valtype(concrete(rt)))
                parts.append(self.compare(op, left, (["local.tee", "$" + tmp, rc], rt), node))
                left = (lget(tmp), rt)
            else:
                parts.append(self.compare(op, left, (rc, rt), node))
        code = parts[-1]
        for p in reversed(parts[:-1]):
            code = ["if", ["result", "i32"], p, ["then", code], ["else", I32(0)]]
        return code, BOOL

    def compare(self, op, lv, rv, node):
        (lc, lt), (rc, rt) = lv, rv
        if lt == BOTTOM or rt == BOTTOM:
            return ["unreachable"]
        if isinstance(op, (ast.In, ast.NotIn)):
            code = self.contains(lv, rv, node)
            return ["i32.eqz", code] if isinstance(op, ast.NotIn) else code
        if isinstance(op, (ast.Is, ast.IsNot)):
            self.fail(node, type(op).__name__, "'is' comparisons are not supported")
        if lt == BOOL and rt == BOOL:
            return [CMP_I32[type(op)].replace("_s", "_u"), lc, rc]
        if lt == BOOL:
            lc, lt = ["i64.extend_i32_u", lc], INT
        if rt == BOOL:
            rc, rt = ["i64.extend_i32_u", rc], INT
        if lt == INT and rt == INT:
            return [CMP_I64[type(op)], lc, rc]
        if lt == FLOAT and rt == FLOAT:
            return [CMP_F64[type(op)], lc, rc]
        if {lt, rt} == {INT, FLOAT}:
            # exact when the int is a literal that converts to float without rounding
            iv = const_int_code(lc if lt == INT else rc)
            if iv is not None and abs(iv) <= 2**53:
                return [CMP_F64[type(op)], self.as_float(lc, lt), self.as_float(rc, rt)]
            if lt == INT:
                r = call("cmp_int_float", lc, rc)
                return self.cmp_result(op, r)
            r = call("cmp_int_float", rc, lc)
            return self.cmp_result(SWAPPED[type(op)](), r)
        if NUM in (lt, rt) and {lt, rt} <= {INT, FLOAT, NUM}:
            r, _ = self.lib_call("num_cmp", [(self.coerce(lc, lt, NUM, node), NUM), (self.coerce(rc, rt, NUM, node), NUM)],
                                 node)
            return self.cmp_result(op, ["i32.wrap_i64", r])
        if lt == STR and rt == STR:
            if isinstance(op, ast.Eq):
                return call("str_eq", lc, rc)
            if isinstance(op, ast.NotEq):
                return ["i32.eqz", call("str_eq", lc, rc)]
            return [CMP_I32[type(op)], call("str_cmp", lc, rc), I32(0)]
        if is_list(lt) and is_list(rt) and isinstance(op, (ast.Eq, ast.NotEq)) and elem(lt) == elem(rt) \
                and elem(lt) in (INT, STR, BOOL):
            r, _ = self.lib_call(f"list_{suffix(elem(lt))}_eq", [(lc, lt), (rc, rt)], node)
            return ["i32.eqz", r] if isinstance(op, ast.NotEq) else r
        self.fail(node, "Compare", f"comparing {show(lt)} with {show(rt)} is not supported")

    def cmp_result(self, op, r):
        """Turn a three-way result (-1, 0, 1, or 2 for NaN) into the truth value of `op`."""
        k = type(op)
        if k is ast.Lt:
            return ["i32.eq", r, I32(-1)]
        if k is ast.Gt:
            return ["i32.eq", r, I32(1)]
        if k is ast.Eq:
            return ["i32.eqz", r]
        if k is ast.NotEq:
            return ["i32.ne", r, I32(0)]
        if k is ast.LtE:
            return ["i32.le_s", r, I32(0)]
        return ["i32.lt_u", r, I32(2)]  # GtE: 0 or 1

    def contains(self, lv, rv, node):
        (lc, lt), (rc, rt) = lv, rv
        if rt == STR and lt == STR:
            r, _ = self.lib_call("str_contains", [(rc, STR), (lc, STR)], node)
            return r
        if is_list(rt):
            et = elem(rt)
            if et == BOTTOM:
                return I32(0)
            if lt == BOOL and et == INT:
                lc, lt = ["i64.extend_i32_u", lc], INT
            if et in (INT, STR, FLOAT) and lt == et:
                r, _ = self.lib_call(f"list_{suffix(et)}_contains", [(rc, rt), (lc, lt)], node)
                return r
        self.fail(node, "In", f"'in' with {show(lt)} in {show(rt)} is not supported")

    def expr_Subscript(self, node):
        if isinstance(node.value, ast.Name) and is_tuple(self.env_type(node.value.id)) \
                and not self.is_global(node.value.id):
            t = self.env_type(node.value.id)
            k = const_int(node.slice)
            if k is None or not -len(t[1]) <= k < len(t[1]):
                self.fail(node, "Subscript", "tuple items need a constant index in range")
            k %= len(t[1])
            return self.checked_read(node.value, lget(f"{node.value.id}.{k}"), t[1][k]), t[1][k]
        vc, vt = self.expr(node.value)
        if vt == BOTTOM:
            return ["unreachable"], BOTTOM
        if isinstance(node.slice, ast.Slice):
            sl = node.slice
            args = []
            for part, default in ((sl.lower, 0), (sl.upper, 0), (sl.step, 1)):
                if part is None:
                    args.append((I64(default), INT))
                else:
                    c, t = self.expr(part)
                    args.append((self.as_int(c, t, part), INT))
            flags = [(I32(int(sl.lower is not None)), BOOL), (I32(int(sl.upper is not None)), BOOL)]
            if vt == STR:
                return self.lib_call("str_slice", [(vc, STR)] + args + flags, node)
            if is_list(vt):
                code, _ = self.lib_call("list_slice", [(vc, vt)] + args + flags, node)
                return code, vt
            self.fail(node, "Slice", f"slicing {show(vt)} is not supported")
        ic, it = self.expr(node.slice)
        if it == BOTTOM:
            return ["unreachable"], BOTTOM
        idx = self.as_int(ic, it, node.slice)
        if is_list(vt):
            return self.load_item(vc, idx, elem(vt)), elem(vt)
        if vt == STR:
            return self.lib_call("str_getitem", [(vc, STR), (idx, INT)], node)
        if is_tuple(vt):
            k = const_int(node.slice)
            n = len(vt[1])
            if k is None or not -n <= k < n:
                self.fail(node, "Subscript", "tuple items need a constant index in range")
            tmps = [self.temp(valtype(concrete(x)), "item") for x in vt[1]]
            return ["block", ["result", valtype(concrete(vt[1][k % n]))], vc,
                    *[["local.set", "$" + tmp] for tmp in reversed(tmps)], lget(tmps[k % n])], vt[1][k % n]
        self.fail(node, "Subscript", f"indexing {show(vt)} is not supported")

    def expr_List(self, node):
        return self.list_literal(node)

    def list_literal(self, node, into: str | None = None):
        items = [self.expr(e) for e in node.elts]
        t = BOTTOM
        for e, (_, et) in zip(node.elts, items):
            t = self.join(t, et, e, "list item")
        self.check_item_type(t, node)
        lt = list_of(t)
        if into is not None:
            self.record(into, lt, node)
            if self.is_global(into):
                return None, lt
            dst = self.env_type(into)
            if dst != BOTTOM and dst != lt and not (is_list(dst) and elem(lt) in (BOTTOM, elem(dst))):
                if is_list(dst) and elem(dst) == NUM:
                    t = NUM
                else:
                    self.fail(node, "typing", f"a {show(lt)} value where a {show(dst)} is expected")
            elif is_list(dst):
                t = elem(dst) if elem(dst) != BOTTOM else t
            holder = into
            out = [["local.set", "$" + holder, call("list_new", I32(len(items)))]]
        elif t != BOTTOM:
            holder = self.temp("i32", "list")
            out = [["local.set", "$" + holder, call("list_new", I32(len(items)))]]
        if t == BOTTOM:
            code = call("list_new", I32(0))
            if into is not None:
                return [["local.set", "$" + into, code]], lt
            return code, lt
        vt = valtype(concrete(t))
        for e, (c, et) in zip(node.elts, items):
            out.append(call("list_append_" + vt, lget(holder), self.coerce(c, et, t, e)))
        if into is not None:
            return out, list_of(t)
        return ["block", ["result", "i32"], *out, lget(holder)], list_of(t)

    def expr_Tuple(self, node):
        # a tuple value is its items side by side on the stack (multi-value)
        vals = [self.expr(e) for e in node.elts]
        t = ("tuple", tuple(vt for _, vt in vals))
        if any(vt == BOTTOM for _, vt in vals):
            return ["unreachable"], BOTTOM
        if any(is_tuple(vt) or vt == NONE for _, vt in vals):
            self.fail(node, "Tuple", "nested tuples are not supported")
        return ["block", ["result", *valtypes(concrete(t))], *[c for c, _ in vals]], t
