"""The catalog is one registry of specs: duplicates refused, facts on the spec, docs in step."""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

import pytest

from cnnstudio.core import catalog
from cnnstudio.core.catalog import GROUP_BY_KEY, GROUPS, SPECS, LayerSpec, register

ROOT = Path(__file__).resolve().parents[2]


def test_register_refuses_a_second_spec_of_one_type() -> None:
    class AnotherReLU(LayerSpec):
        type = "ReLU"
        group = "activation"
        summary = "a duplicate"

    before = dict(SPECS)
    with pytest.raises(ValueError, match="'ReLU' is registered twice"):
        register(AnotherReLU)
    assert before == SPECS


def test_register_adds_one_instance_with_its_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog, "SPECS", dict(SPECS))

    @catalog.register
    class SquareSpec(LayerSpec):
        type = "Square"
        group = "activation"
        summary = "x * x."
        elementwise: ClassVar[bool] = True

    spec = catalog.SPECS["Square"]
    assert isinstance(spec, SquareSpec) and list(catalog.SPECS)[-1] == "Square"
    assert spec.id_prefix == "square" and spec.elementwise
    with pytest.raises(ValueError, match="unknown group 'nowhere'"):

        @catalog.register
        class Lost(LayerSpec):
            type = "Lost"
            group = "nowhere"
            summary = "?"


def test_every_spec_has_a_known_group_with_colours_and_an_id_prefix() -> None:
    assert [key for key, _ in GROUPS] == [g.key for g in GROUP_BY_KEY.values() if g.in_palette]
    for spec in SPECS.values():
        group = GROUP_BY_KEY[spec.group]
        for fill, accent in (group.light, group.dark):
            assert re.fullmatch(r"#[0-9a-f]{6}", fill) and re.fullmatch(r"#[0-9a-f]{6}", accent)
        assert re.fullmatch(r"[a-z]+", spec.id_prefix), spec.type
    assert SPECS["Concat"].id_prefix == "cat" and SPECS["Add"].id_prefix == "add"


def _docs_table() -> dict[str, str]:
    """Type name -> its row of the "Types and params" table of docs/design-format.md."""
    text = (ROOT / "docs" / "design-format.md").read_text(encoding="utf-8")
    section = text.split("## Types and params", 1)[1].split("\n\n", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            for name in re.findall(r"`(\w+)`", first):
                rows[name] = line
    return rows


def test_the_docs_table_lists_exactly_the_catalog_with_every_parameter() -> None:
    rows = _docs_table()
    assert set(rows) == set(SPECS), "docs/design-format.md's layer table differs from SPECS"
    for name, spec in SPECS.items():
        for param in spec.params:
            assert f"`{param.name}`" in rows[name], (name, param.name)


def test_the_readme_names_every_layer_type() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    design = next(p for p in text.split("\n- ") if p.startswith("**Design**"))
    for name, spec in SPECS.items():
        # The pools are summed up as "Max/Avg/Min/Global pooling".
        if spec.group != "pooling":
            assert re.search(rf"\b{name}\b", design), name
    assert "pooling" in design
