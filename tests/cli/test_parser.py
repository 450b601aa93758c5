"""The command table: every command has its module, its own ``--help``, and only the module of
the command that runs is imported (``--help`` of the whole tool stays free of torch and Qt)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cnnstudio.cli import main
from cnnstudio.cli.parser import COMMANDS, build_parser, command_module


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_a_module_and_a_help(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    module = command_module(name)
    assert callable(module.add_arguments) and callable(module.run)
    assert module.__doc__, f"{module.__name__} has no docstring"
    with pytest.raises(SystemExit) as info:
        main([name, "--help"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: cnnstudio {name}")


def test_the_tool_help_lists_every_command_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    out = capsys.readouterr().out
    positions = [out.index(f"    {name} ") for name in COMMANDS if name != "templates"]
    assert positions == sorted(positions)
    for help_text in COMMANDS.values():
        assert help_text in out


def test_help_imports_neither_torch_nor_qt() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from cnnstudio.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['summary', '--help'])\n"
        "print(sorted(m for m in ('torch', 'PySide6', 'numpy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_an_unknown_command_name_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        command_module("nope")
