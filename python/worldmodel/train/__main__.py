"""`python -m worldmodel.train …` (what `torchrun -m worldmodel.train` runs): the command `worldmodel train`."""

from worldmodel.cli import command_main

raise SystemExit(command_main("train", "python -m worldmodel.train"))
