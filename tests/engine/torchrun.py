"""What the tests that start torchrun share: a tiny design to train, a free port, a clean
environment (a helper module, not a test module: no tests here)."""

from __future__ import annotations

import os
import socket
from typing import Any

#: A design for the digits at 8x8 that trains in a second (BatchNorm and Dropout included, whose
#: buffers and randomness distributed runs must keep in step).
TINY_DESIGN: dict[str, Any] = {
    "format": "cnnstudio-design",
    "version": 1,
    "name": "Tiny digits",
    "layers": [
        {"id": "input", "type": "Input", "params": {"shape": [1, 8, 8]}},
        {
            "id": "conv1",
            "type": "Conv",
            "inputs": ["input"],
            "params": {"out_channels": 4, "kernel_size": 3, "padding": 1},
        },
        {"id": "bn1", "type": "BatchNorm", "inputs": ["conv1"]},
        {"id": "relu1", "type": "ReLU", "inputs": ["bn1"]},
        {"id": "pool1", "type": "MaxPool", "inputs": ["relu1"]},
        {"id": "flat", "type": "Flatten", "inputs": ["pool1"]},
        {"id": "drop", "type": "Dropout", "inputs": ["flat"], "params": {"p": 0.1}},
        {"id": "fc", "type": "Dense", "inputs": ["drop"], "params": {"out_features": 10}},
    ],
}
#: The variables torchrun sets in its processes: a test starting torchrun clears them first.
TORCHRUN_ENV = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_PORT")


def free_port() -> int:
    """A TCP port on this machine that nothing listens on (for torchrun's master)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def torchrun_env(**extra: str) -> dict[str, str]:
    """This environment without torchrun's own variables, one thread, offline, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in TORCHRUN_ENV}
    env.update(OMP_NUM_THREADS="1", CNNSTUDIO_OFFLINE="1", **extra)
    return env
