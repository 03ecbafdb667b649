"""Writes the grammar conformance corpus (build/e2e/grammar.json): recorded token streams of modules and, at every
step, the allowed-token count, a SHA-256 of the mask and the jump-forward string that Python's XGrammar computes.
e2e/grammar-conformance.spec.ts replays the same streams through web/worker/grammar.ts and requires the same.

The streams are the curriculum's modules (models/checkpoints/lean/data, committed) of every shape seen, as the model
writes them after `<wat_model>`, tokenized by the real SmolLM2 tokenizer, plus a few that leave the grammar halfway
(the replay then stops where Python's matcher refused the token), among them uses of locals that were never declared
or have another type, a local declared twice and an import repeated: the matchers specialize the grammar to what
the module has imported and declared (grammar/scope.py, web/worker/grammar-scope.ts), and the corpus records how
many times. Branches end it: a loop whose labels are right, one naming a label never declared, and a branch where
no block declared one (their labels are checked token by token, scope.py's branch_filter).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT / "models" / "checkpoints" / "lean" / "data" / "train.jsonl.gz"
STREAMS = 24
OFF_GRAMMAR = ["\n(module\n  (func $main (export \"main\")\n    (call $print_i64 (i64.const 6.5)))\n)\n</wat_model>",
               "\n(module\n  (func (export \"main\")\n    (call $float_mul (f64.const 1) (f64.const 2))))\n</wat_model>",
               "\n(module\n  (func $main (export \"main\")\n    (local $n i64) (local $x f64)\n"
               "    (call $print_i64 (local.get $x))))\n</wat_model>",
               "\n(module\n  (func $main (export \"main\")\n    (local $n i64)\n    (local.set $total (i64.const 2))))\n</wat_model>",
               "\n(module\n  (func $main (export \"main\")\n    (local $g f64) (local $g i64)\n    (nop)))\n</wat_model>",
               "\n(module\n  (import \"rt\" \"print_i64\" (func $print_i64 (param i64)))\n"
               "  (import \"rt\" \"print_i64\" (func $print_i64 (param i64)))\n  (func (export \"main\")))\n</wat_model>"]
# Branches: their labels are checked token by token (a label of an enclosing block, and none where there is none).
LOOP = "\n(module\n  (func $main (export \"main\")\n    (local $i i64)\n    (block $done\n      (loop $next\n"
BRANCHES = [LOOP + "        (br_if $done (i64.ge_s (local.get $i) (i64.const 3)))\n        (br $next)))))\n</wat_model>",
            LOOP + "        (br_if $stop (i32.const 1))\n        (br $next)))))\n</wat_model>",
            "\n(module\n  (func $main (export \"main\")\n    (br $x)))\n</wat_model>"]


def mask_hash(words: np.ndarray, vocab_size: int) -> str:
    """As grammar.ts maskHash: the int32 words over the vocabulary, bits past it cleared, little-endian."""
    words = np.array(words[: (vocab_size + 31) // 32], dtype=np.int32)
    spare = len(words) * 32 - vocab_size
    if spare:
        words[-1] &= np.int32(np.uint32(0xFFFFFFFF >> spare).view(np.int32))
    return hashlib.sha256(words.astype("<i4").tobytes()).hexdigest()


def module_texts() -> list[str]:
    shapes: dict[str, str] = {}
    with gzip.open(TRAIN, "rt", encoding="utf-8") as handle:
        for line in handle:
            for message in json.loads(line).get("messages") or []:
                content = message["content"]
                if message["role"] == "assistant" and "<wat_model>" in content:
                    text = content.split("<wat_model>", 1)[1].split("</wat_model>", 1)[0] + "</wat_model>"
                    shapes.setdefault(re.sub(r"\d+", "1", re.sub(r"\$\w+", "$x", text)), text)
    texts = sorted(shapes.values(), key=len)
    step = max(1, len(texts) // STREAMS)
    chosen = texts[::step][:STREAMS]
    # A module with a helper beside main: two functions, two specializations.
    helper = next(text for text in texts if "$day_number" in text)
    return chosen + ([helper] if helper not in chosen else []) + OFF_GRAMMAR + BRANCHES


def main(out: str) -> int:
    from worldmodel.grammar import import_xgrammar

    xgrammar = import_xgrammar()

    from worldmodel.grammar import wat_grammar
    from worldmodel.grammar.constraint import ModuleMatcher, grammar_compiler, token_texts, tokenizer_vocab
    from worldmodel.model.loading import base_model_folder
    from tokenizers import Tokenizer

    tokenizer_file = base_model_folder() / "tokenizer.json"
    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    vocab_size = tokenizer.get_vocab_size()
    stop_ids = [2]
    vocab = tuple(tokenizer_vocab(tokenizer))
    compile_grammar, texts = grammar_compiler(vocab, vocab_size, stop_ids), token_texts(vocab)
    bitmask = xgrammar.allocate_token_bitmask(1, vocab_size)
    cases = []
    for text in module_texts():
        stream = tokenizer.encode(text, add_special_tokens=False).ids
        matcher = ModuleMatcher(compile_grammar, wat_grammar(), texts)
        counts, hashes, jumps = [], [], []
        for token in [*stream, -1]:
            matcher.fill_next_token_bitmask(bitmask)
            words = bitmask[0].numpy()
            allowed = np.unpackbits(words.view(np.uint8), bitorder="little")[:vocab_size]
            counts.append(int(allowed.sum()))
            hashes.append(mask_hash(words, vocab_size))
            jumps.append(matcher.find_jump_forward_string())
            if token < 0 or not matcher.accept_token(token):
                break
        cases.append({"text": text, "stream": stream, "counts": counts, "hashes": hashes, "jumps": jumps,
                      "specializations": matcher.specializations})
    corpus = {"vocab_size": vocab_size, "stop_ids": stop_ids, "vocab": tokenizer_vocab(tokenizer),
              "tokenizer": json.loads(tokenizer_file.read_text(encoding="utf-8")), "cases": cases}
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(corpus))
    print(f"make_grammar_corpus: {out} ({len(cases)} streams, {sum(len(c['hashes']) for c in cases)} masks, "
          f"{sum(c['specializations'] for c in cases)} specializations)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "build/e2e/grammar.json"))
