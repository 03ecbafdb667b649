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
