"""Design files over time and under damage.

- A frozen version-1 file (committed, never regenerated) keeps loading to the same design and
  the same bytes: the format is a contract, and migrations must keep old files working.
- Mutated and truncated documents only ever raise the project's own `DesignError` with a
  one-line message, and whatever loads can be analysed without an exception.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cnnstudio.core.analysis import analyze
from cnnstudio.core.errors import DesignError
from cnnstudio.core.fileio import dumps_design, load_design, loads_design
from cnnstudio.core.templates import get_template

FROZEN_V1 = Path(__file__).parent / "data" / "mini-inception-v1.cnn.json"


def test_frozen_version_1_file_still_loads_identically() -> None:
    design = load_design(FROZEN_V1)
    a = analyze(design)
    assert a.valid
    assert a.total_params == 26_922
    assert a.trainable_params == 26_922 - 32 * 3 * 3 * 3
    assert design["fc"].label == "classes"
    assert design.training == {"dataset": "digits", "epochs": 5, "lr": 0.01}
    assert dumps_design(design) == FROZEN_V1.read_text(encoding="utf-8")


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 300)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


def _paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            out += _paths(value, (*prefix, index))
    return out


def _replace(doc: Any, path: tuple, value: Any, delete: bool) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(doc, dict):
        doc = dict(doc)
        if delete and not rest:
            doc.pop(head, None)
        else:
            doc[head] = _replace(doc[head], rest, value, delete)
    else:
        doc = list(doc)
        if delete and not rest:
            doc.pop(head)
        else:
            doc[head] = _replace(doc[head], rest, value, delete)
    return doc


BASE = json.loads(dumps_design(get_template("lenet5")))
PATHS = _paths(BASE)


def _check(load: Any) -> None:
    try:
        design = load()
    except DesignError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    analysis = analyze(design)
    for diag in analysis.diagnostics:
        assert diag.message and "\n" not in diag.message


@given(st.lists(st.tuples(st.sampled_from(PATHS), JSON, st.booleans()), min_size=1, max_size=4))
def test_mutated_documents_load_or_raise_design_error(edits: list) -> None:
    doc: Any = BASE
    for path, value, delete in edits:
        try:
            doc = _replace(doc, path, value, delete)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed this path
    _check(lambda: loads_design(json.dumps(doc)))


@given(st.integers(0, len(dumps_design(get_template("lenet5")))), st.binary(max_size=6))
def test_truncated_or_garbled_text_loads_or_raises_design_error(cut: int, junk: bytes) -> None:
    text = dumps_design(get_template("lenet5"))
    garbled = text[:cut] + junk.decode("latin-1") + text[cut + len(junk) :]
    _check(lambda: loads_design(garbled))
