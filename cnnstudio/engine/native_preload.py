"""Loading torch's native libraries without holding the GIL, before ``import torch``.

``import torch`` maps some 2 GB of shared libraries (libtorch_cpu, libtorch_cuda and the CUDA
libraries they need) and runs their static initializers. Python loads extension modules and
``ctypes.CDLL`` libraries while holding the GIL, so on a worker thread that import freezes the
GUI thread for the whole ``dlopen``: 400-600 ms on a 2-core machine (``bench_training_gui``).

A *foreign call* through ctypes releases the GIL for its duration. Calling libc's ``dlopen`` that
way on the same libraries first, with the flags torch itself uses, does the expensive mapping and
relocation while the GUI keeps running; torch's own loads afterwards find them already loaded and
only take a reference. Loaded here, each with the flags its own loader uses:

- ``libtorch_global_deps`` (``RTLD_GLOBAL``, as torch's ``_load_global_deps`` does) and
  ``libtorch`` (``RTLD_LOCAL``, as ``torch._C`` gets it): pure C++, never ``libtorch_python``,
  whose initializers may touch the Python API;
- triton's ``libtriton`` extension module (about 500 MB of LLVM; ``import torch`` imports triton
  when it is installed, as CUDA builds of torch do), with ``sys.getdlopenflags()`` as Python's
  extension loader uses. ``dlopen`` runs only its C++ static initializers; its Python module
  function still runs later, under the GIL, in the ordinary import.

Best effort: on another platform, a missing library or a failed ``dlopen`` it does nothing, and
``import torch`` loads everything the usual way.
"""

from __future__ import annotations

import ctypes
import importlib.machinery
import importlib.util
import os
import sys
from pathlib import Path

__all__ = ["package_folder", "preload_torch_libraries", "torch_libraries"]


def package_folder(name: str) -> Path | None:
    """The folder of an installed top-level package, found without importing it (or None)."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    return Path(os.path.realpath(spec.origin)).parent


def torch_libraries() -> list[tuple[Path, int]]:
    """(shared object, dlopen flags) to preload, in the order ``import torch`` loads them."""
    torch_folder = package_folder("torch")
    if torch_folder is None:
        return []
    lib = torch_folder / "lib"
    found = [
        (lib / "libtorch_global_deps.so", os.RTLD_NOW | os.RTLD_GLOBAL),
        (lib / "libtorch.so", os.RTLD_NOW | os.RTLD_LOCAL),
    ]
    triton = package_folder("triton")
    if triton is not None:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            candidate = triton / "_C" / f"libtriton{suffix}"
            if candidate.is_file():
                found.append((candidate, sys.getdlopenflags()))
                break
    return found


def preload_torch_libraries() -> list[str]:
    """``dlopen`` torch's native libraries with the GIL released; the names loaded.

    Call it on the thread that will import torch, just before the import. Does nothing once
    torch is imported, off Linux, or where the libraries are not where torch keeps them.
    """
    if "torch" in sys.modules or not sys.platform.startswith("linux"):
        return []
    try:
        libc = ctypes.CDLL(None)  # the process's own symbols: libc's dlopen
        dlopen = libc.dlopen
    except (OSError, AttributeError):
        return []
    dlopen.restype = ctypes.c_void_p
    dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
    loaded: list[str] = []
    for path, flags in torch_libraries():
        if not path.is_file():
            break
        # The handle is deliberately never closed: torch keeps these loaded for good anyway.
        if not dlopen(os.fsencode(path), flags):
            break  # torch's own loader will report or work around what failed here
        loaded.append(path.name)
    return loaded
