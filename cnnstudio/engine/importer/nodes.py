"""What an import produces before it becomes a design: one `Block` per traced node."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Block:
    """A layer to be: its catalog type and params, its inputs (other blocks' keys), where it
    sits in the module hierarchy and the state_dict of the torch module it replaces."""

    key: str
    type: str
    params: dict[str, Any]
    inputs: list[str]
    group: str = ""
    module_path: str = ""
    weights: dict[str, Any] = field(default_factory=dict)
    source: str = ""
