"""The curriculum dataset: seeded question families → checked chat examples (docs/dataset-card.md).

`worldmodel data build --out DIR` writes train/validation/test JSONL; see build.py for the pipeline,
families/ for the questions (families/texts/ for their phrasings: README.md), phrasing.py for how numbers
and units are said.
"""
