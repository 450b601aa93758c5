"""Starting on an X11 desktop without Qt's xcb libraries: one line that says what to install."""

from __future__ import annotations

import pytest

from cnnstudio.gui import app as gui_app
from cnnstudio.gui import xcb_check

X11 = {"DISPLAY": ":0"}


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        (X11, "linux", True),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, "linux", True),
        ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
        ({}, "linux", False),
        (X11, "darwin", False),
        (X11, "win32", False),
    ],
)
def test_only_an_xcb_start_is_checked(env, platform, expected) -> None:
    assert xcb_check.will_use_xcb(env, platform) is expected


def test_missing_cursor_library_is_named_with_its_package() -> None:
    message = xcb_check.xcb_problem(X11, "linux", lambda name: name != "libxcb-cursor.so.0")
    assert message is not None and "\n" not in message
    assert "libxcb-cursor.so.0" in message and "apt install libxcb-cursor0" in message
    assert xcb_check.xcb_problem(X11, "linux", lambda _name: True) is None


def test_gui_exits_1_with_one_line_before_qt_starts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`cnnstudio gui` on X11 with two libraries missing: exit 1, one line, no window."""
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(xcb_check.sys, "platform", "linux")
    gone = {"libxcb-cursor.so.0", "libxkbcommon-x11.so.0"}
    monkeypatch.setattr(xcb_check, "library_loads", lambda name: name not in gone)
    from cnnstudio import cli

    assert cli.main(["gui"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("cnnstudio: error: Qt cannot open a window")
    assert "libxcb-cursor0 libxkbcommon-x11-0" in err
    assert gui_app.has_display()


def test_real_probe_loads_a_library_that_exists_and_not_one_that_does_not() -> None:
    assert xcb_check.library_loads("libc.so.6")
    assert not xcb_check.library_loads("libcnnstudio-no-such-library.so.9")


def test_readme_quick_start_names_every_package() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    quick_start = " ".join(readme.split("## Quick start")[1].split("## ")[0].split())
    for package in xcb_check.XCB_LIBRARIES.values():
        assert package in quick_start
