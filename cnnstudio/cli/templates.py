"""``cnnstudio templates``: the built-in templates, one line each (name, title, description)."""

from __future__ import annotations

import argparse

from ..core.templates import TEMPLATES
from .common import EXIT_OK

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command takes no arguments."""


def run(args: argparse.Namespace) -> int:
    width = max(len(n) for n in TEMPLATES)
    for name, info in TEMPLATES.items():
        print(f"{name.ljust(width)}  {info.title}: {info.description}")
    return EXIT_OK
