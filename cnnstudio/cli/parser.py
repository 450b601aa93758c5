"""The ``cnnstudio`` argument parser: the table of commands and the module of each.

Every command is one module of this package with ``add_arguments(parser)`` and ``run(args)``
(the exit status). ``cnnstudio --help`` lists the commands from `COMMANDS` alone; only the
module of the command about to run is imported, to add its arguments, because some of them
(train, check, lr-find) import torch at the top. The imports are written out in
`command_module`, not computed from names, so that PyInstaller sees every command.
"""

from __future__ import annotations

import argparse
from types import ModuleType

from .. import __version__
from .common import Parser

__all__ = ["COMMANDS", "build_parser", "command_module"]

COMMANDS: dict[str, str] = {
    "summary": "per-layer table of shapes, parameters and MACs",
    "templates": "list the built-in templates",
    "new": "write a new design from a template",
    "export": "export as Python code, TorchScript, torch.export or ONNX",
    "train": "train a design on a dataset",
    "figure": "draw the network as SVG, PDF or PNG for slides",
    "check": "sanity checks before training (init loss, overfit a batch)",
    "lr-find": "sweep the learning rate and suggest one",
    "import": "import a torchvision model, an nn.Module or a .pt2",
    "gui": "open the designer window (the default command)",
}
"""Each command's one-line help, in the order ``--help`` lists them."""


def command_module(name: str) -> ModuleType:
    """The module that implements command ``name`` (imported now, on first use)."""
    if name == "summary":
        from . import summary

        return summary
    if name == "templates":
        from . import templates

        return templates
    if name == "new":
        from . import new

        return new
    if name == "export":
        from . import export

        return export
    if name == "train":
        from . import train

        return train
    if name == "figure":
        from . import figure

        return figure
    if name == "check":
        from . import check

        return check
    if name == "lr-find":
        from . import lr_find

        return lr_find
    if name == "import":
        from . import import_model

        return import_model
    if name == "gui":
        from . import gui

        return gui
    raise KeyError(name)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser. ``command`` names the subcommand about to run: only that one's
    module is loaded to add its arguments (the others are listed with their help)."""
    parser = Parser(
        prog="cnnstudio",
        description="Design, validate, train and export convolutional neural networks.",
    )
    parser.add_argument("--version", action="version", version=f"cnnstudio {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        p = sub.add_parser(name, help=help_text)
        if name == command:
            module = command_module(name)
            module.add_arguments(p)
            p.set_defaults(func=module.run)
    return parser
