"""Ranges of numeric settings (seed, CPU threads).

`TrainSettings` checks these ranges for settings from any source (a design's ``training``, the
GUI); on the command line `cnnstudio.cli.common.int_between` makes a value outside them a usage
error, reported in one line with exit 2 before any work starts, instead of an overflow
(``--seed 10**30``) or an OpenMP abort (``--num-threads 1000000``) later.
"""

from __future__ import annotations

MAX_SEED = 2**32 - 1
"""Seeds are 32-bit, as numpy's and the exported train.py's generators take them."""

MAX_THREADS = 1024
"""More CPU threads than any machine has cores only costs memory."""
