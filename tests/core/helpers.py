"""Small builders for core tests: designs from compact layer lists."""

from __future__ import annotations

from typing import Any

from cnnstudio.core.design import Design, Layer


def chain(shape: list[int], *layers: tuple[str, dict[str, Any]] | str, name: str = "t") -> Design:
    """An Input of ``shape`` followed by ``layers`` in a chain, ids ``l1``, ``l2``..."""
    out = [Layer("input", "Input", params={"shape": shape})]
    prev = "input"
    for n, item in enumerate(layers, 1):
        typ, params = (item, {}) if isinstance(item, str) else item
        lid = f"l{n}"
        out.append(Layer(lid, typ, [prev], dict(params)))
        prev = lid
    return Design(out, name=name)


def codes(diags: list[Any]) -> list[str]:
    return [d.code for d in diags]
