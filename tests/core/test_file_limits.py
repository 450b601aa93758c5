"""What the design-file contract refuses, and the sizes the analysis flags (issue 13, 3/6/7/8/10).

Each test is one case a tester found breaking cnnstudio: a ``pos`` of NaN or Infinity, an
integer of 4300+ digits, ``/dev/zero`` as a design, absurd sizes that validated, an id with a
newline, a cycle without a sink.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from cnnstudio.core.analysis import analyze
from cnnstudio.core.errors import DesignError
from cnnstudio.core.fileio import (
    MAX_DESIGN_BYTES,
    design_from_dict,
    dumps_design,
    load_design,
    loads_design,
)
from cnnstudio.core.limits import MAX_PARAM_BYTES, fmt_big_bytes
from cnnstudio.core.templates import get_template


def lenet() -> dict[str, Any]:
    return json.loads(dumps_design(get_template("lenet5")))


def one_line_error(text: str) -> str:
    with pytest.raises(DesignError) as info:
        loads_design(text)
    message = str(info.value)
    assert message.isprintable(), repr(message)
    return message


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_pos_is_refused_as_not_json(literal: str) -> None:
    doc = lenet()
    doc["layers"][1]["pos"] = "__POS__"
    text = json.dumps(doc).replace('"__POS__"', f"[{literal}, 10]")
    assert f"{literal} is not a JSON number" in one_line_error(text)


def test_overflowing_pos_and_far_pos_are_refused() -> None:
    doc = lenet()
    doc["layers"][1]["pos"] = "__POS__"
    text = json.dumps(doc)
    for coords in ("[1e999, 10]", "[1e300, 10]", "[10, -2e9]", "[1" + "0" * 400 + ", 1]"):
        message = one_line_error(text.replace('"__POS__"', coords))
        assert "layer 'conv1': \"pos\" must be [x, y]" in message or "not a number JSON" in message
    loaded = loads_design(text.replace('"__POS__"', "[1e9, -1e9]"))  # the limit itself loads
    assert loaded["conv1"].pos == (1e9, -1e9)


def test_non_finite_values_through_the_python_api_are_refused() -> None:
    doc = lenet()
    doc["layers"][1]["params"]["padding"] = float("nan")
    with pytest.raises(DesignError, match=r"layers\[1\]\.params\.padding is not a number JSON"):
        design_from_dict(doc)
    doc = lenet()
    doc["training"] = {"lr": float("inf")}
    with pytest.raises(DesignError, match=r"training\.lr"):
        design_from_dict(doc)


def test_integers_of_thousands_of_digits_are_not_a_design() -> None:
    doc = lenet()
    doc["layers"][1]["params"]["padding"] = "__N__"
    text = json.dumps(doc)
    assert "a number has too many digits" in one_line_error(text.replace('"__N__"', "9" * 4301))
    assert "not a number JSON can hold" in one_line_error(text.replace('"__N__"', "9" * 4250))
    doc["layers"][1]["params"]["padding"] = 10**5000
    with pytest.raises(DesignError, match="not a number JSON can hold"):
        design_from_dict(doc)


def test_a_design_file_is_read_only_up_to_its_size_cap(tmp_path: Path) -> None:
    big = tmp_path / "big.cnn.json"
    with open(big, "wb") as fh:
        fh.truncate(MAX_DESIGN_BYTES + 1)  # sparse: no disk space used
    with pytest.raises(DesignError, match="larger than 64 MiB"):
        load_design(big)
    if os.path.exists("/dev/zero"):
        with pytest.raises(DesignError, match="larger than 64 MiB"):
            load_design("/dev/zero")


def test_parameters_past_int64_are_errors_not_crashes() -> None:
    doc = lenet()
    doc["layers"][1]["params"]["padding"] = 10**400  # used to raise OverflowError
    doc["layers"][3]["type"] = "Dropout"
    doc["layers"][3]["params"] = {"p": 10**400}
    analysis = analyze(design_from_dict(doc))
    messages = [d.message for d in analysis.errors]
    limit = "every integer must be at most 9,223,372,036,854,775,807"
    assert f"conv1: padding is too large: {limit}" in messages
    assert any(m.startswith("pool1: p is too large") for m in messages)


def test_sizes_no_machine_can_build_are_flagged_with_the_bytes() -> None:
    doc = lenet()
    doc["layers"][0]["params"]["shape"] = [3, 100_000, 100_000]
    analysis = analyze(design_from_dict(doc))
    assert not analysis.valid
    assert [d.message for d in analysis.errors if d.code == "too-large"] == [
        "fc1: its 1,199,712,017,400 parameters need 4.80 TB (float32), more than the 1 TiB "
        "any machine can build"
    ]

    doc = lenet()
    doc["layers"][1]["params"]["padding"] = 10**18
    errors = [d for d in analyze(design_from_dict(doc)).errors if d.code == "too-large"]
    # The first layer whose output is too large carries it, not every layer after it.
    assert errors[0].layer == "conv1" and "for one image" in errors[0].message
    assert not any(d.layer == "relu1" for d in errors)


@pytest.mark.parametrize(("bias", "valid"), [(False, True), (True, False)])
def test_the_parameter_limit_is_1_tib(bias: bool, valid: bool) -> None:
    doc = {
        "format": "cnnstudio-design",
        "version": 1,
        "layers": [
            {"id": "input", "type": "Input", "params": {"shape": [2**19]}},
            {
                "id": "fc",
                "type": "Dense",
                "inputs": ["input"],
                "params": {"out_features": 2**19, "bias": bias},
            },
        ],
    }
    analysis = analyze(design_from_dict(doc))  # 2**38 float32 weights are exactly 1 TiB
    assert analysis.size_bytes - (2**21 if bias else 0) == MAX_PARAM_BYTES
    assert analysis.valid is valid


def test_big_byte_counts_read_well() -> None:
    assert fmt_big_bytes(512) == "512 bytes"
    assert fmt_big_bytes(4_798_848_000_480) == "4.80 TB"
    assert fmt_big_bytes(10**40) == "1e+40 bytes"
    assert fmt_big_bytes(10**400) == "more than 1e308 bytes"


def test_an_id_with_a_newline_stays_on_one_line() -> None:
    doc = lenet()
    doc["layers"][1]["id"] = "conv\n1"
    for layer in doc["layers"]:
        layer["inputs"] = ["conv\n1" if i == "conv1" else i for i in layer.get("inputs", [])]
    analysis = analyze(design_from_dict(doc))
    bad_id = next(d for d in analysis.errors if d.code == "bad-id")
    assert bad_id.message.startswith("conv\\n1: the id must start")


def test_a_cycle_through_an_explicit_output_with_no_sink_is_an_error() -> None:
    doc = lenet()
    doc["layers"][0]["inputs"] = ["fc3"]  # every layer consumed: no sink at all
    doc["output"] = "input"
    analysis = analyze(design_from_dict(doc))  # used to raise IndexError
    assert not analysis.valid
    assert any(d.code == "cycle" for d in analysis.errors)
