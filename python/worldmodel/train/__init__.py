"""LoRA fine-tuning of the base model on the curriculum (`worldmodel train`, or `torchrun -m worldmodel.train`).

Importing this package is cheap; the loop lives in `trainer`, the collator in `collator`.
"""
