"""``cnnstudio gui [DESIGN]``: the designer window (the default command). Qt and the GUI are
imported only when the command runs, so every other command starts without them."""

from __future__ import annotations

import argparse

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", nargs="?", help="design file to open (default: the LeNet-5 template)"
    )
    parser.add_argument("--screenshot", metavar="PNG", help="render the window to PNG and exit")


def run(args: argparse.Namespace) -> int:
    from ..gui.app import run_gui

    return run_gui(args.file, screenshot=args.screenshot)
