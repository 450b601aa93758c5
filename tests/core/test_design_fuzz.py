"""Property/fuzz suite: damaged design files never crash cnnstudio, and what loads round-trips.

Each case takes a template's canonical file and damages it the way files get damaged or
hand-edited: byte flips, truncation, a value swapped for one of another type, non-finite
numbers (``NaN``, ``Infinity``, ``1e999``), huge integers (also past Python's 4300-digit limit),
cycles, and re-ids (duplicates, keywords, newlines, non-ASCII). It then asserts what the README
and docs/design-format.md promise:

- loading either raises the project's `DesignError` with a one-line message, or gives a design;
- a loaded design analyses without an exception, every diagnostic is one line, the summary
  (table and JSON) renders, and it saves and loads back to the same bytes;
- through the command line (in-process `main`), the exit code is 2 exactly when the file is not
  a design, else 0 or 1 by validity, and stderr holds only one-line ``cnnstudio: error:`` lines.

Default: a few dozen cases per property (fast). ``HYPOTHESIS_PROFILE=deep`` runs 500 per
property, several thousand in all. The subprocess checks (no traceback from the real
interpreter, for the cases the issue found) are in tests/cli/test_cli_fuzz.py.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnstudio.cli import main
from cnnstudio.cli.summary import summary_json, summary_table
from cnnstudio.core.analysis import analyze
from cnnstudio.core.errors import DesignError
from cnnstudio.core.fileio import design_from_dict, dumps_design, loads_design
from cnnstudio.core.templates import get_template

TEMPLATES = ("lenet5", "mini-inception", "resnet18", "simple-cnn")
BASES = {name: dumps_design(get_template(name)) for name in TEMPLATES}
DOCS = {name: json.loads(text) for name, text in BASES.items()}

# -- checking one case --------------------------------------------------------------------------


def check_loaded(load: Any) -> str | None:
    """Load, then check every promise; returns the DesignError message or None when it loaded."""
    try:
        design = load()
    except DesignError as exc:
        message = str(exc)
        assert message and "\n" not in message and "\r" not in message, repr(message)
        return message
    analysis = analyze(design)
    for diag in analysis.diagnostics:
        assert diag.message and diag.message.isprintable(), repr(diag.message)
    table = summary_table(analysis)
    assert all(line.isprintable() for line in table.splitlines())
    json.dumps(summary_json(analysis, design.layers), allow_nan=False)
    text = dumps_design(design)
    again = loads_design(text)  # what loads also saves and loads back ...
    assert dumps_design(again) == text  # ... to the same bytes
    assert analyze(again).valid == analysis.valid
    return None


def check_cli(text: str | bytes, expect_not_a_design: bool, capsys: Any) -> None:
    """``cnnstudio summary`` on the damaged file: documented exit code, one-line errors."""
    with tempfile.TemporaryDirectory(prefix="cnnstudio-fuzz-") as folder:
        path = Path(folder) / "fuzz.cnn.json"
        path.write_bytes(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
        capsys.readouterr()
        code = main(["summary", str(path)])
    err = capsys.readouterr().err
    if expect_not_a_design:
        assert code == 2
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("cnnstudio: error: "), err
    else:
        assert code in (0, 1) and err == ""


# -- mutations ----------------------------------------------------------------------------------


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            out += _paths(value, (*prefix, index))
    return out


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy: Any = dict(doc) if isinstance(doc, dict) else list(doc)
    copy[path[0]] = _set(doc[path[0]], path[1:], value)
    return copy


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        doc = doc[key]
    return doc


template = st.sampled_from(TEMPLATES)

# A value of each JSON type, to swap in for the original (keeping the type is rarely a fault).
SWAPS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=6),
    st.lists(st.integers(-3, 40), max_size=4),
    st.lists(st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(-2, 9), max_size=3),
)
# Text that Python's json reads as a non-finite float, or refuses as a number.
NON_FINITE = st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1e400"])
# Huge integer literals: past int64, past float range, past Python's 4300-digit limit.
HUGE_DIGITS = st.sampled_from([19, 20, 40, 309, 400, 4299, 4301, 6000])
ODD_IDS = st.one_of(
    st.sampled_from(["a\nb", "conv1\r", "\t", "x" * 300, "class", "forward", "__x", "é", "1a", ""]),
    st.text(max_size=8),
)


@st.composite
def swapped(draw: st.DrawFn) -> tuple[str, str]:
    """A template with one to three values replaced by values of another type."""
    name = draw(template)
    doc: Any = DOCS[name]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(doc)))
        doc = _set(doc, path, draw(SWAPS))
    return name, json.dumps(doc, ensure_ascii=False)


@st.composite
def numbers_replaced(draw: st.DrawFn) -> str:
    """A template whose number at some path becomes a non-finite or a huge literal."""
    doc = DOCS[draw(template)]
    numeric = [p for p in _paths(doc) if type(_get(doc, p)) in (int, float)]
    path = draw(st.sampled_from(numeric))
    marker = "__CNN_FUZZ_NUMBER__"
    text = json.dumps(_set(doc, path, marker))
    if draw(st.booleans()):
        literal = draw(NON_FINITE)
    else:
        literal = draw(st.sampled_from(["", "-"])) + "9" * draw(HUGE_DIGITS)
    return text.replace(json.dumps(marker), literal)


@st.composite
def positions(draw: st.DrawFn) -> str:
    """A template with a ``pos`` that is non-finite, huge, or of the wrong shape or type."""
    doc = json.loads(json.dumps(DOCS[draw(template)]))
    layer = draw(st.sampled_from(doc["layers"]))
    coord = st.one_of(
        st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "1e300", "1e9", "-1e10"]),
        st.integers(-(10**12), 10**12).map(str),
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
        st.sampled_from(['"1"', "null", "true", "[]"]),
    )
    values = draw(st.lists(coord, min_size=0, max_size=3))
    layer["pos"] = "__POS__"
    return json.dumps(doc).replace('"__POS__"', "[" + ", ".join(values) + "]")


@st.composite
def rewired(draw: st.DrawFn) -> str:
    """A template with cycles (a layer fed by itself or a later one) and changed ids."""
    doc = json.loads(json.dumps(DOCS[draw(template)]))
    layers = doc["layers"]
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(layers) - 1))
        j = draw(st.integers(i, len(layers) - 1))  # itself or later: a cycle
        kind = draw(st.sampled_from(["cycle", "re-id", "duplicate", "output"]))
        if kind == "cycle":
            layers[i].setdefault("inputs", []).append(layers[j]["id"])
        elif kind == "re-id":
            new_id = draw(ODD_IDS)
            old = layers[i]["id"]
            layers[i]["id"] = new_id
            if draw(st.booleans()):  # the consumers follow, as a careful hand edit would
                for layer in layers:
                    layer["inputs"] = [new_id if x == old else x for x in layer.get("inputs", [])]
        elif kind == "duplicate":
            layers[i]["id"] = layers[j]["id"]
        else:
            doc["output"] = draw(st.sampled_from([layers[i]["id"], draw(ODD_IDS)]))
    return json.dumps(doc, ensure_ascii=draw(st.booleans()))


# -- the properties -----------------------------------------------------------------------------


@given(template, st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 255)), max_size=6))
def test_byte_flips(name: str, flips: list[tuple[int, int]]) -> None:
    data = bytearray(BASES[name].encode("utf-8"))
    for where, mask in flips:
        data[where % len(data)] ^= mask
    check_loaded(lambda: _loads_bytes(bytes(data)))


@given(template, st.data())
def test_truncation(name: str, data: st.DataObject) -> None:
    text = BASES[name]
    cut = data.draw(st.integers(0, len(text)))
    message = check_loaded(lambda: loads_design(text[:cut]))
    if cut < len(text.rstrip()):
        assert message is not None  # a cut document is never silently accepted


@given(swapped())
def test_type_swaps(case: tuple[str, str]) -> None:
    check_loaded(lambda: loads_design(case[1]))


@given(numbers_replaced())
def test_non_finite_and_huge_numbers(text: str) -> None:
    message = check_loaded(lambda: loads_design(text))
    if any(word in text for word in ("NaN", "Infinity", "e999", "e400")):
        assert message is not None  # never loaded: JSON numbers are finite


@given(positions())
def test_positions(text: str) -> None:
    message = check_loaded(lambda: loads_design(text))
    if message is None:
        design = loads_design(text)
        for layer in design:
            if layer.pos is not None:
                assert all(math.isfinite(v) and abs(v) <= 1e9 for v in layer.pos)


@given(rewired())
def test_cycles_and_re_ids(text: str) -> None:
    check_loaded(lambda: loads_design(text))


@given(
    template,
    st.sampled_from(["inf", "-inf", "nan", "big", "huge"]),
    st.sampled_from(["pos", "param", "training", "name", "version", "format"]),
)
def test_python_api_dicts(name: str, kind: str, where: str) -> None:
    """`load_design(dict)` takes values no JSON text can hold: non-finite floats, 10**5000."""
    value: Any = {
        "inf": math.inf,
        "-inf": -math.inf,
        "nan": math.nan,
        "big": 10**400,
        "huge": 10**5000,
    }[kind]
    doc = json.loads(json.dumps(DOCS[name]))
    if where == "pos":
        doc["layers"][1]["pos"] = [value, 0]
    elif where == "param":
        doc["layers"][1].setdefault("params", {})["out_channels"] = value
    elif where == "training":
        doc["training"] = {"lr": value}
    elif where in ("version", "format"):
        doc[where] = value
    else:
        doc["name"] = value
    message = check_loaded(lambda: design_from_dict(doc))
    if kind in ("inf", "-inf", "nan") or where in ("pos", "name", "version", "format"):
        assert message is not None


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(swapped().map(lambda c: c[1]), numbers_replaced(), positions(), rewired()))
def test_command_line_exit_codes(capsys: pytest.CaptureFixture[str], text: str) -> None:
    try:
        loads_design(text)
        not_a_design = False
    except DesignError:
        not_a_design = True
    check_cli(text, not_a_design, capsys)


def _loads_bytes(data: bytes) -> Any:
    """Load bytes the way `load_design` reads a file (UTF-8 or refused)."""
    with tempfile.TemporaryDirectory(prefix="cnnstudio-fuzz-") as folder:
        path = Path(folder) / "flipped.cnn.json"
        path.write_bytes(data)
        from cnnstudio.core.fileio import load_design

        return load_design(path)
