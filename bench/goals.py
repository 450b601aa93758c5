"""What every benchmark reports: its goals, met or missed, and the exit code that follows.

Each ``bench_*.py`` runs on its own, in its own process, as a user runs it (``python
bench/bench_gui.py``), and ends with ``return goals.exit_code()``: 0 exactly when every goal it
checked holds. A missed goal is also printed as one ``GOAL MISSED: <benchmark>: <goal>: <figure>``
line, which `run_all.py` (``make bench``) collects to name what failed.

`quiet_qt` installs the app's Qt message filter (cnnstudio/gui/qt_messages.py), so the offscreen
platform's known noise stays out of the figures and real warnings still show.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MISSED_PREFIX = "GOAL MISSED: "

__all__ = ["MISSED_PREFIX", "Goals", "quiet_qt"]


def quiet_qt() -> None:
    """Drop Qt's known offscreen noise from this process's output (not real warnings)."""
    from cnnstudio.gui.qt_messages import install_filter

    install_filter()


class Goals:
    """The goals one benchmark checks, in order; ``exit_code`` says whether all hold."""

    def __init__(self, benchmark: str) -> None:
        self.benchmark = benchmark
        self.missed: list[str] = []
        self.checked = 0

    def check(self, goal: str, met: bool, figure: str) -> bool:
        """Record and print one goal: ``goal`` says what must hold, ``figure`` what was measured."""
        self.checked += 1
        print(f"  goal {goal}: {figure} -> {'met' if met else 'MISSED'}", flush=True)
        if not met:
            self.missed.append(f"{goal}: {figure}")
        return met

    def exit_code(self) -> int:
        """0 when every goal held; else 1, after one ``GOAL MISSED`` line per missed goal."""
        for line in self.missed:
            print(f"{MISSED_PREFIX}{self.benchmark}: {line}", flush=True)
        return 1 if self.missed else 0
