"""`python -m worldmodel.train …` (what `torchrun -m worldmodel.train` runs): same flags as `worldmodel train`."""

import argparse
import sys

from worldmodel.train import cli

parser = argparse.ArgumentParser(prog="python -m worldmodel.train")
cli.add_arguments(parser)
sys.exit(cli.run(parser.parse_args()))
