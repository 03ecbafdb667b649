"""The curriculum dataset: seeded question families → checked chat examples (docs/dataset-card.md).

`worldmodel data build --out DIR` writes train/validation/test JSONL; see build.py for the pipeline,
families/ for the questions, phrasing.py for how they are said.
"""
