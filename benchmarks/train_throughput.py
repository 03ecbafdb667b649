"""Training throughput by packed-row length: tokens/s and loss-bearing tokens/s, side by side in one run.

    python -m benchmarks.train_throughput [--lengths 512,768,1024] [--tokens 4096] [--threads 2] [--fp32]

One forward + backward of the LoRA model per setting on the same curriculum rows, best of `--repeats`, after one
untimed warm-up step (the first steps of a process run slower and would favour whichever setting came last).
Packed rows keep examples apart with a block-diagonal mask, yet attention still costs the full row length
squared; shorter rows waste more padding and drop the examples that do not fit, hence the last two columns.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    import torch

    from worldmodel.model.loading import load_tokenizer
    from worldmodel.train.collator import IGNORE_INDEX, collate, pack
    from worldmodel.train.trainer import TrainConfig, build_model, causal_lm_loss_sum, encode_rows, load_split

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("data/curriculum"))
    parser.add_argument("--lengths", default="512,768,1024", help="packed row lengths to compare")
    parser.add_argument("--tokens", type=int, default=4096, help="tokens per micro-batch (rows = tokens / length)")
    parser.add_argument("--rows", type=int, default=400, help="training rows to pack from")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--fp32", action="store_true", help="also time without bf16 autocast")
    parser.add_argument("--base", default=None)
    args = parser.parse_args(argv)

    torch.set_num_threads(args.threads)
    tokenizer = load_tokenizer(args.base)
    model, _ = build_model(TrainConfig(base=args.base), tokenizer)
    model.train()
    rows = load_split(args.data, "train")[: args.rows]
    settings = [(int(length), True) for length in args.lengths.split(",")]
    if args.fp32:
        settings += [(length, False) for length, _ in settings]
    print(f"{'row length':>10} {'rows':>5} {'autocast':>8} {'s/step':>7} {'tokens/s':>9} {'loss tokens/s':>14} "
          f"{'dropped':>8}")

    def timed_step(batch, bf16: bool) -> float:
        start = time.perf_counter()
        loss, count = causal_lm_loss_sum(model, batch, bf16)
        (loss / count).backward()
        model.zero_grad(set_to_none=True)
        return time.perf_counter() - start

    warmed_up = False
    for length, bf16 in settings:
        examples, dropped = encode_rows(rows, tokenizer, length)
        n_rows = max(1, args.tokens // length)
        batch = collate(pack(examples, length, 0)[:n_rows], examples, tokenizer.pad_token_id)
        if not warmed_up:
            timed_step(batch, bf16)
            warmed_up = True
        seconds = [timed_step(batch, bf16) for _ in range(args.repeats)]
        best = min(seconds)
        labelled = int((batch["labels"] != IGNORE_INDEX).sum())
        print(f"{length:>10} {n_rows:>5} {'bf16' if bf16 else 'fp32':>8} {best:>7.1f} "
              f"{batch['input_ids'].numel() / best:>9.0f} {labelled / best:>14.0f} {dropped:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
