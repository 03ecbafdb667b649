"""The EBNF grammar of the module dialect the model writes (docs/protocol.md section 2a), generated from rt's exports.

Typed where a context-free grammar can be: every expression nonterminal has a value type (`expr_i32`, `expr_i64`,
`expr_f64`), each constant takes the literal form of its type (`i64.const` an integer that fits, `f64.const` a
decimal float), each operator and each `rt` call takes arguments of its signature's types and stands where its
result type is expected (a call without a result is a statement; rt's few multi-result helpers are left out),
parentheses balance, and only rt names that exist can be called or imported, with exactly rt's signature.

What a CFG cannot type: the type of a local (`local.get $x`) comes from its declaration. Every use of a local goes
through `local_set_T`/`local_use_T` and `local_T` for T in i32, i64, f64 (here any `local_name`), and decoding specializes those rules to
the declarations of the function being written (scope.py), so a constrained module names only declared locals of the
right type; imports and locals are not declared twice, and a branch names only a label of an enclosing block
(both there too). `benchmarks.grammar_decoding` lists any module the grammar admitted and the engine rejected.
Whether a called function is defined is not context-free either, so the module's own functions are limited to
the helpers the curriculum's programs define (`CURRICULUM_HELPERS`), each with its fixed header: a call to one
is typed, and only calling it without defining it can still fail.

The grammar text is xgrammar's EBNF (GBNF-like: `::=`, `"…"`, `[…]`, `* + ?`); `root` also takes the closing
`</wat_model>` tag so that a constrained module always ends the program block.
"""

from __future__ import annotations

VALUE_TYPES = ("i32", "i64", "f64")
# Functions the curriculum's programs define beside main (python/worldmodel/data/families), name → (params as
# (name, type), results). The parameters keep the names the converter gives them (the Python source's), so a
# parameter cannot be named twice and the whole header is forced text.
CURRICULUM_HELPERS: dict[str, tuple[list[tuple[str, str]], list[str]]] = {
    "day_number": ([("year", "i64"), ("month", "i64"), ("day", "i64")], ["i64"]),
}
CLOSE_TAG = "</wat_model>"
IDENT_TAIL = "[a-zA-Z0-9_.]{0,40}"  # what follows an identifier's first character (scope.py builds on it too)
LOCAL_RULE = "local_"  # + value type: the rule a use of a local of that type goes through

# Operators by (argument types, result type). The dialect's arithmetic on Python values goes through rt
# (int_add, float_div…); the raw instructions below are those the converter and the model use, plus their siblings.
_BINARY = {
    "i32": ["add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl", "shr_s", "shr_u"],
    "i64": ["add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl", "shr_s", "shr_u"],
    "f64": ["add", "sub", "mul", "div", "min", "max", "copysign"],
}
_COMPARE = {
    "i32": ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"],
    "i64": ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"],
    "f64": ["eq", "ne", "lt", "gt", "le", "ge"],
}
_UNARY = {"f64": ["abs", "neg", "sqrt", "ceil", "floor", "trunc", "nearest"]}
# (instruction, argument type, result type)
_CONVERSIONS = [
    ("i32.eqz", "i32", "i32"), ("i64.eqz", "i64", "i32"), ("i32.wrap_i64", "i64", "i32"),
    ("i64.extend_i32_s", "i32", "i64"), ("i64.extend_i32_u", "i32", "i64"),
    ("i64.trunc_f64_s", "f64", "i64"), ("i64.trunc_sat_f64_s", "f64", "i64"), ("i32.trunc_f64_s", "f64", "i32"),
    ("f64.convert_i64_s", "i64", "f64"), ("f64.convert_i64_u", "i64", "f64"), ("f64.convert_i32_s", "i32", "f64"),
    ("f64.reinterpret_i64", "i64", "f64"), ("i64.reinterpret_f64", "f64", "i64"),
]
_LOADS = {"i32": ["i32.load", "i32.load8_u", "i32.load8_s"], "i64": ["i64.load"], "f64": ["f64.load"]}
_STORES = {"i32": ["i32.store", "i32.store8"], "i64": ["i64.store"], "f64": ["f64.store"]}

# Literal forms. Integers are limited to values that always fit their type (the engine rejects an overflowing
# constant): 9 digits, or 10 starting with 1, for i32; 18 digits, or 19 starting with 1-8, for i64. Floats are
# decimal with an optional exponent of at most 2 digits and at most 20 integer digits (never out of f64 range).
_LITERALS = r'''
lit_i32 ::= "-"? ( [0-9] | [1-9] [0-9]{1,8} | "1" [0-9]{9} )
lit_i64 ::= "-"? ( [0-9] | [1-9] [0-9]{1,17} | [1-8] [0-9]{18} )
lit_f64 ::= "-"? ( [0-9] | [1-9] [0-9]{1,19} ) ( "." [0-9]{0,20} )? ( [eE] [-+]? [0-9]{1,2} )?
'''

# Layout and names. Whitespace is bounded (spaces, or a line break or two with indentation) so that a constrained
# model cannot pad forever.
_LEXICAL = r'''
ws ::= [ ]{1,8} | [ ]{0,8} "\n" [ ]{0,24} | [ ]{0,8} "\n" [ ]{0,8} "\n" [ ]{0,24}
ows ::= "" | ws
ident ::= [a-zA-Z_] IDENT_TAIL
local_name ::= "$" ident
label ::= "$" ident
valtype ::= "i32" | "i64" | "f64"
memarg ::= ( ws "offset=" [0-9]{1,7} )? ( ws "align=" ( "1" | "2" | "4" | "8" ) )?
'''


def _alternatives(options: list[str]) -> str:
    return " | ".join(options) if options else '""'


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _call_rule(params: list[str], names: list[str]) -> str:
    """`(call $NAME ARG…)` for rt functions sharing one parameter list."""
    names_alt = _alternatives([_quote(name) for name in sorted(names)])
    arguments = "".join(f" ws expr_{p}" for p in params)
    return f'"(call $" ( {names_alt} ){arguments} ows ")"'


def _import_rule(name: str, params: list[str], results: list[str]) -> str:
    from worldmodel.rt_imports import signature_text

    signature = signature_text(params, results)
    return _quote(f'(import "rt" "{name}" (func ${name}{" " + signature if signature else ""}))')


def grammar_text(rt_functions: dict[str, tuple[list[str], list[str]]]) -> str:
    """The grammar for rt's function exports `{name: (params, results)}` (worldmodel.runtime.rt_function_types)."""
    usable = {name: sig for name, sig in rt_functions.items()
              if len(sig[1]) <= 1 and all(t in VALUE_TYPES for t in sig[0] + sig[1])}
    lines = ["# Generated by `python -m worldmodel.grammar` from rt's export table; do not edit.",
             "# The WAT module dialect of docs/protocol.md section 2a, typed by value type (worldmodel/grammar/wat_ebnf.py).",
             "",
             f'root ::= ows module ows {_quote(CLOSE_TAG)}',
             # Each helper at most once, before or after main (a second definition would not assemble).
             'module ::= "(module" ( ws "$" ident )? ( ws import )* ( ws main_func ( ws func )? | ws func ws main_func )'
             ' ows ")"',
             'import ::= "(import \\"rt\\" \\"memory\\" (memory 1))" | rt_import',
             'main_func ::= "(func" ( ws "$" ident )? ws "(export \\"main\\")" main_body ows ")"',
             'main_body ::= ( ws local_decl )* ( ws stmt )* | '
             + " | ".join(f'ws "(result {t})" ( ws local_decl )* ( ws stmt )* ws expr_{t}' for t in VALUE_TYPES),
             'local_decl ::= "(local" ws local_name ws valtype ")"',
             'expr_any ::= expr_i32 | expr_i64 | expr_f64',
             # Statements leave nothing on the stack.
             'stmt ::= ' + " | ".join(f"local_set_{t}" for t in VALUE_TYPES) + ' | "(drop" ws expr_any ows ")" | void_call'
             ' | "(block" ( ws label )? ( ws stmt )* ows ")" | "(loop" ( ws label )? ( ws stmt )* ows ")"'
             ' | "(if" ws expr_i32 ws "(then" ( ws stmt )* ows ")" ( ws "(else" ( ws stmt )* ows ")" )? ows ")"'
             ' | "(br" ws label ")" | "(br_if" ws label ws expr_i32 ows ")" | store | "(nop)"',
             'store ::= ' + _alternatives([f'"({op}" memarg ws expr_i32 ws expr_{t} ows ")"'
                                           for t in VALUE_TYPES for op in _STORES[t]]),
             ]
    for result in VALUE_TYPES:
        options = [f'"({result}.const" ws lit_{result} ")"', f"local_use_{result}",
                   f'"(block" ( ws label )? ws "(result {result})" ( ws stmt )* ws expr_{result} ows ")"',
                   f'"(if" ws "(result {result})" ws expr_i32 ws "(then" ( ws stmt )* ws expr_{result} ows ")"'
                   f' ws "(else" ( ws stmt )* ws expr_{result} ows ")" ows ")"',
                   f'"(select" ws expr_{result} ws expr_{result} ws expr_i32 ows ")"']
        options += [f'"({result}.{op}" ws expr_{result} ws expr_{result} ows ")"' for op in _BINARY[result]]
        options += [f'"({result}.{op}" ws expr_{result} ows ")"' for op in _UNARY.get(result, [])]
        if result == "i32":
            options += [f'"({t}.{op}" ws expr_{t} ws expr_{t} ows ")"' for t in VALUE_TYPES for op in _COMPARE[t]]
        options += [f'"({op}" ws expr_{arg} ows ")"' for op, arg, res in _CONVERSIONS if res == result]
        options += [f'"({op}" memarg ws expr_i32 ows ")"' for op in _LOADS[result]]
        if any(results == [result] for _, results in usable.values()):
            options.append(f"rt_call_{result}")
        options += [f"call_{name}" for name, (_, results) in CURRICULUM_HELPERS.items() if results == [result]]
        lines.append(f"expr_{result} ::= " + " | ".join(options))
    # rt calls grouped by signature, one rule per result type (and one for calls without a result).
    for result in [*VALUE_TYPES, None]:
        groups: dict[tuple[str, ...], list[str]] = {}
        for name, (params, results) in usable.items():
            if results == ([result] if result else []):
                groups.setdefault(tuple(params), []).append(name)
        rule = f"rt_call_{result}" if result else "void_call"
        lines.append(f"{rule} ::= " + " | ".join(_call_rule(list(params), names) for params, names in sorted(groups.items())))
    lines.append("rt_import ::= " + " | ".join(_import_rule(name, *usable[name]) for name in sorted(usable)))
    helpers = []
    for name, (params, results) in CURRICULUM_HELPERS.items():
        if name in rt_functions:
            raise ValueError(f"helper {name} shadows an rt export")
        arguments = "".join(f" ws expr_{t}" for _, t in params)
        lines.append(f'call_{name} ::= "(call ${name}"{arguments} ows ")"')
        header = "".join(f' ws "(param ${p} {t})"' for p, t in params)
        body = (f' ws "(result {results[0]})" ( ws local_decl )* ( ws stmt )* ws expr_{results[0]}' if results
                else ' ( ws local_decl )* ( ws stmt )*')
        lines.append(f'func_{name} ::= "(func ${name}"{header}{body} ows ")"')
        helpers.append(f"func_{name}")
    lines.append("func ::= " + _alternatives(helpers))
    # The points where decoding specializes the grammar to the declarations of the function being written
    # (grammar/scope.py): a use of a local names one declared with the type its position needs.
    for t in VALUE_TYPES:
        lines += [f'local_set_{t} ::= "(local.set" ws {LOCAL_RULE}{t} ws expr_{t} ows ")"',
                  f'local_use_{t} ::= "(local.get" ws {LOCAL_RULE}{t} ")" | "(local.tee" ws {LOCAL_RULE}{t} ws expr_{t} ows ")"',
                  f"{LOCAL_RULE}{t} ::= local_name"]
    return "\n".join(lines) + "\n" + _LITERALS + _LEXICAL.replace("IDENT_TAIL", IDENT_TAIL)
