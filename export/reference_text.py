"""Fixed text for parity and quantization checks: plain English plus one conversation in the answer
protocol's layout, so both prose and WAT tokens are measured. Fixed, so figures compare across runs."""

from __future__ import annotations

from worldmodel import protocol
from worldmodel.model.chat import render_chat

PROSE = (
    "The river rises in the hills north of the town and runs south through farmland for about forty "
    "kilometres before it reaches the sea. In spring, when the snow melts, the water can climb two metres "
    "in a single night, and the old stone bridge has been rebuilt three times since it was first laid in "
    "the thirteenth century. Farmers along its banks grow wheat, barley and sugar beet; the soil is rich "
    "because the floods leave a thin layer of silt each year. A small museum near the harbour keeps maps "
    "of the river's course from several centuries, and visitors are often surprised by how much it has "
    "moved. Schoolchildren measure its flow every autumn as part of a long-running science project, and "
    "their records now cover more than fifty years. "
)

QUESTION = "A shop sells pencils at 17 cents each. How much do 23 pencils cost, in cents?"
WAT = """(module
  (import "rt" "print_i64" (func $print_i64 (param i64)))
  (func (export "main")
    (call $print_i64 (i64.mul (i64.const 17) (i64.const 23)))))"""
ANSWER = protocol.assistant_turn(
    "Multiply the price of one pencil by the number of pencils.", WAT, "<computed>391</computed>",
    "23 pencils cost 391 cents.",
)


def reference_text() -> str:
    conversation = render_chat(
        [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": ANSWER}]
    )
    return PROSE + "\n\n" + conversation


def reference_token_ids(tokenizer, limit: int | None = None) -> list[int]:
    """Token ids of the reference text (`tokenizer`: a transformers tokenizer or a `tokenizers.Tokenizer`)."""
    encoded = tokenizer.encode(reference_text(), add_special_tokens=False)
    ids = list(encoded.ids if hasattr(encoded, "ids") else encoded)
    return ids[:limit] if limit else ids
