"""Smoke test of a built desktop app: every command a user has, run on the bundle alone.

    python packaging/smoke_test.py dist/cnnstudio/cnnstudio

Runs the executable (not the source tree) in a scratch folder with its own HOME, so a missing
data file, hidden import or source file in the bundle shows up as a failed step. Exits 1 when
any step fails, printing what it ran and what came out.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: smoke_test.py PATH_TO_BUILT_EXECUTABLE", file=sys.stderr)
        return 2
    exe = Path(argv[0]).resolve()
    if not exe.is_file():
        print(f"smoke_test: {exe}: no such executable (build it with `make app`)", file=sys.stderr)
        return 2
    failures = 0
    # The Portuguese catalog the spec compiles (PyInstaller 6 puts data under _internal/).
    if not list(exe.parent.glob("**/cnnstudio/translations/cnnstudio_pt_BR.qm")):
        print("FAIL translations: cnnstudio_pt_BR.qm is not in the bundle", file=sys.stderr)
        failures += 1
    with tempfile.TemporaryDirectory(prefix="cnnstudio-smoke-") as scratch:
        work = Path(scratch)
        env = dict(os.environ, HOME=str(work / "home"), QT_QPA_PLATFORM="offscreen")
        env["XDG_CONFIG_HOME"] = str(work / "config")
        env["XDG_DATA_HOME"] = str(work / "data")
        env["XDG_CACHE_HOME"] = str(work / "cache")

        def step(
            title: str,
            args: list[str],
            *,
            code: int = 0,
            makes: Sequence[str] = (),
            says: str = "",
        ) -> None:
            nonlocal failures
            start = time.perf_counter()
            try:
                proc = subprocess.run(
                    [str(exe), *args],
                    cwd=work,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=600,
                )
            except subprocess.TimeoutExpired:
                failures += 1
                print(f"FAIL {title:<38} did not finish in 600 s")
                return
            seconds = time.perf_counter() - start
            problems = []
            if proc.returncode != code:
                problems.append(f"exit {proc.returncode}, expected {code}")
            problems += [f"{name} was not written" for name in makes if not (work / name).is_file()]
            if says and says not in proc.stdout + proc.stderr:
                problems.append(f"output lacks {says!r}")
            if "Traceback" in proc.stderr:
                problems.append("a traceback on stderr")
            status = "ok  " if not problems else "FAIL"
            print(f"{status} {title:<38} {seconds:6.1f} s")
            if problems:
                failures += 1
                print(f"     $ cnnstudio {' '.join(args)}")
                for problem in problems:
                    print(f"     {problem}")
                for line in (proc.stdout + proc.stderr).strip().splitlines()[-8:]:
                    print(f"     | {line}")

        step("list the templates", ["templates"], says="resnet50")
        step(
            "new design from a template",
            ["new", "--template", "lenet5", "-o", "net.cnn.json"],
            makes=["net.cnn.json"],
        )
        step("summary", ["summary", "net.cnn.json"], says="61,706")
        step(
            "designer screenshot",
            ["gui", "net.cnn.json", "--screenshot", "shot.png"],
            makes=["shot.png"],
        )
        step(
            "train on the shipped digits",
            [
                "train",
                "net.cnn.json",
                "--dataset",
                "digits",
                "--epochs",
                "1",
                "--out",
                "run",
            ],
            makes=["run/metrics.csv", "run/last.pt"],
        )
        for fmt, out in (
            ("python", "net.py"),
            ("torchscript", "net.ts.pt"),
            ("exported-program", "net.pt2"),
            ("onnx", "net.onnx"),
            ("train-script", "train_net.py"),
        ):
            step(
                f"export {fmt}", ["export", "net.cnn.json", "--format", fmt, "-o", out], makes=[out]
            )
        step(
            "export with trained weights",
            [
                "export",
                "net.cnn.json",
                "--format",
                "exported-program",
                "-o",
                "trained.pt2",
                "--weights",
                "run/last.pt",
            ],
            makes=["trained.pt2"],
        )
        (work / "broken.cnn.json").write_text("{not json", encoding="utf-8")
        step(
            "a broken file is one line",
            ["summary", "broken.cnn.json"],
            code=2,
            says="broken.cnn.json",
        )
    print("smoke test passed" if not failures else f"smoke test: {failures} step(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
