"""torch's native libraries load with the GIL released before ``import torch`` (issue 19).

Loading them inside ``import torch`` holds the GIL for the whole ``dlopen`` (400-600 ms here),
so a warm-up on a worker thread froze the GUI thread. These checks run in a fresh interpreter,
where nothing of torch is loaded yet: the preload maps the libraries while another thread keeps
running Python, and ``import torch`` afterwards works as usual.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cnnstudio.engine.native_preload import torch_libraries

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, sys, threading, time
from cnnstudio.engine.native_preload import preload_torch_libraries

done = threading.Event()
result = {}

def preload():
    result["loaded"] = preload_torch_libraries()
    done.set()

worker = threading.Thread(target=preload)
worker.start()
spins = 0  # Python the main thread ran while the other thread was inside dlopen
while not done.is_set():
    time.sleep(0.001)
    spins += 1
worker.join()
maps = open("/proc/self/maps").read()
result.update(
    spins=spins,
    cpu_mapped="libtorch_cpu.so" in maps,
    torch_imported_by_preload="torch" in sys.modules,
)
import torch
result["tensor"] = float(torch.ones(3).sum())
print(json.dumps(result))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the preload is Linux-only")
def test_preload_maps_torch_without_holding_the_gil_and_torch_imports_after_it() -> None:
    assert torch_libraries(), "torch's library folder was not found"
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert "libtorch.so" in report["loaded"]
    assert report["cpu_mapped"]  # libtorch's own dependencies came with it
    assert not report["torch_imported_by_preload"]
    # With the GIL held through dlopen the main thread could not run a single loop turn; with
    # it released it runs one every millisecond or so for the ~second the libraries take.
    assert report["spins"] >= 5, report
    assert report["tensor"] == 3.0


def test_preload_does_nothing_once_torch_is_imported() -> None:
    import torch  # noqa: F401

    from cnnstudio.engine.native_preload import preload_torch_libraries

    assert preload_torch_libraries() == []
