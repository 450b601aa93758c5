"""Run every benchmark under bench/ (``make bench``), each in its own process, as a user runs it.

``python bench/run_all.py [NAME...]`` runs the ``bench_*.py`` files (those whose name contains
one of the NAMEs, if given) one after another, each as ``python bench/bench_NAME.py`` in a fresh
interpreter: a benchmark's imports and threads (torch above all) never change another's
figures, and the start-up checks see a process that has not imported torch yet. Their output is
passed through as it comes. Exit code: 0 exactly when every benchmark exited 0 (every goal met),
else 1 after a summary naming each missed goal (the benchmarks' ``GOAL MISSED`` lines, see
goals.py) and each benchmark that failed without naming one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from goals import MISSED_PREFIX  # noqa: E402  (bench/ is not a package)


def run_one(path: Path, env: dict[str, str]) -> tuple[int, list[str]]:
    """Run one benchmark, echoing its output; its exit code and its missed-goal lines."""
    missed: list[str] = []
    with subprocess.Popen(
        [sys.executable, str(path)],
        cwd=HERE.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            if line.startswith(MISSED_PREFIX):
                missed.append(line[len(MISSED_PREFIX) :].strip())
    return proc.returncode, missed


def main(argv: list[str]) -> int:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    root = str(HERE.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    benchmarks = [
        path
        for path in sorted(HERE.glob("bench_*.py"))
        if not argv or any(name in path.stem for name in argv)
    ]
    if not benchmarks:
        print(f"no benchmark matches {' '.join(argv)}", file=sys.stderr)
        return 2
    failures: list[str] = []
    for path in benchmarks:
        print(f"== {path.stem}", flush=True)
        start = time.perf_counter()
        code, missed = run_one(path, env)
        print(f"   ({time.perf_counter() - start:.1f} s, exit {code})\n", flush=True)
        failures += missed
        if code != 0 and not missed:
            failures.append(f"{path.stem}: exited with code {code} without naming a goal")
    if failures:
        print(f"{len(failures)} goal(s) not met:")
        for line in failures:
            print(f"  {line}")
        return 1
    print(f"every goal of {len(benchmarks)} benchmark(s) met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
