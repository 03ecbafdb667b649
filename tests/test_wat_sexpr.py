"""wat/sexpr.py's reader and walks, on which linking runs: reading rendered WAT gives back the tree it came from."""

from __future__ import annotations

import pytest

from worldmodel.wat import sexpr
from worldmodel.wat.library import load


def expanded(tree):
    """The tree with its preformatted atoms (the compiler's lines of local declarations) read as forms."""
    out = []
    for x in tree:
        if isinstance(x, list):
            out.append(expanded(x))
        elif x.startswith("("):
            out += [form for form, _ in sexpr.parse_forms(x)]
        else:
            out.append(x)
    return out


def test_reading_every_rendered_library_function_gives_back_its_tree():
    lib = load()
    compiled = [name for name in lib.funcs if lib.funcs[name] == sexpr.render(lib.trees[name])]
    assert len(compiled) > 100
    for name in compiled:
        [(tree, text)] = sexpr.parse_forms(lib.funcs[name])
        assert tree == expanded(lib.trees[name]), name
        assert text == lib.funcs[name]


def test_comments_strings_and_the_walks():
    text = '''(module ;; a comment with (parens
      (; a block comment ;)
      (func $f (param $x i64) (param i32) (result i64)
        (call $g (i32.const 16) (i32.const -1) (i32.const 0x10))
        (global.set $heap (call $h (call $g)))
        (drop (string.const "a ) \\" b"))))'''
    [(module, source)] = sexpr.parse_forms(text)
    assert source == text
    func = module[1]
    assert sexpr.signature(func) == (["i64", "i32"], ["i64"])
    assert sexpr.calls(func) == ["g", "h"]
    assert sexpr.i32_constants(func) == {16}
    assert sexpr.uses_global(func, "$heap") and not sexpr.uses_global(func, "$other")
    assert func[-1] == ["drop", ["string.const", '"a ) \\" b"']]


@pytest.mark.parametrize("text", ["(func $f", "(func $f))", "atom (func)"])
def test_malformed_text_is_refused(text):
    with pytest.raises(ValueError):
        sexpr.parse_forms(text)


def test_a_module_is_printed_once_from_its_fields():
    long_call = ["call", "$f", *(["i64.const", str(10**12 + k)] for k in range(6))]
    fields = [["memory", ["export", '"memory"'], "2"], "(func $g\n  (nop))", ["func", "$h", long_call]]
    text = sexpr.render_module(fields)
    assert text.startswith('(module\n  (memory (export "memory") 2)\n  (func $g\n    (nop))\n  (func $h\n')
    assert text.endswith(")\n)\n")
    # each field is laid out as at column 0, then indented: the same lines as render() gives it alone
    assert "\n".join("  " + line for line in sexpr.render(fields[2]).split("\n")) in text
    [(module, _)] = sexpr.parse_forms(text)
    assert [form[0] for form in module[1:]] == ["memory", "func", "func"]


def test_rt_exports_every_library_function_by_an_export_field():
    from worldmodel.wat import runtime_library_wat

    lib = load()
    [(module, _)] = sexpr.parse_forms(runtime_library_wat())
    exports = [form for form in module[1:] if form[0] == "export"]
    assert [form[1].strip('"') for form in exports] == list(lib.funcs)
    assert all(form[2] == ["func", "$" + form[1].strip('"')] for form in exports)
