"""Before Qt starts on X11: are the system libraries its xcb platform plugin loads there?

Without them (``libxcb-cursor0`` above all, which Qt 6.5+ needs and many desktops lack) Qt
aborts with "Could not load the Qt platform plugin xcb" and a hint that names none of them.
`missing_xcb_libraries` probes each library with the dynamic loader, and `xcb_problem` turns
the result into one line naming the missing ones and the Debian/Ubuntu packages to install.
Only checked when Qt will pick xcb: on Linux, with ``DISPLAY`` set and no other platform asked
for (``QT_QPA_PLATFORM=offscreen``, ``wayland``...).
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

#: The shared libraries Qt 6's xcb plugin links beyond libxcb itself, with the Debian/Ubuntu
#: package of each (Qt's own list: https://doc.qt.io/qt-6/linux-requirements.html).
XCB_LIBRARIES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}


def library_loads(soname: str) -> bool:
    """Whether the dynamic loader finds and loads ``soname`` (as Qt's plugin loader would)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def will_use_xcb(env: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """True when Qt is going to load its xcb plugin: Linux, ``DISPLAY`` set, no other platform."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    if chosen:
        return chosen == "xcb" and bool(env.get("DISPLAY"))
    # Qt 6 prefers Wayland in a Wayland session; without one, DISPLAY means X11.
    return bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")


def missing_xcb_libraries(probe: Callable[[str], bool] | None = None) -> list[str]:
    """The libraries of `XCB_LIBRARIES` that ``probe`` (`library_loads`) cannot load, in order."""
    loads = probe or library_loads
    return [name for name in XCB_LIBRARIES if not loads(name)]


def xcb_problem(
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
    probe: Callable[[str], bool] | None = None,
) -> str | None:
    """One line for the user when Qt's xcb plugin would fail for lack of libraries, else None."""
    if not will_use_xcb(env, platform):
        return None
    missing = missing_xcb_libraries(probe)
    if not missing:
        return None
    packages = " ".join(XCB_LIBRARIES[name] for name in missing)
    return (
        f"Qt cannot open a window on X11: missing {', '.join(missing)} "
        f"(on Debian/Ubuntu: sudo apt install {packages})"
    )
