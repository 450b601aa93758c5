"""Reading and writing design files (``.cnn.json``, format versions 1 to 3; docs/design-format.md).

Version 2 adds one optional layer key, ``group``; version 3 another, ``weights`` (fixed parameter
values, `fixed_weights`). A design is written in the oldest version that holds it: version 1
without groups and fixed weights (byte for byte as before, so every earlier cnnstudio opens it),
version 2 with groups only, version 3 with fixed weights, which an older cnnstudio refuses
rather than silently dropping them.

Loading refuses only what is not a design at all (not JSON, wrong ``format``, no ``layers``,
a newer ``version``, a layer without ``id``/``type``) with a `DesignError` whose one-line
message names the file. Everything else loads, and the analysis reports it. Strict JSON is
required: ``NaN``/``Infinity`` (which Python's parser accepts but JSON has not), a number too
large for a float (``1e999``) and integers of thousands of digits are refused, and so is a
file larger than `MAX_DESIGN_BYTES` (only that much is ever read, so ``/dev/zero`` is safe).

Saving is stable (same design, same bytes: fixed key order, one layer per line, so designs
diff well in git) and atomic (temporary file, fsync, replace; see `atomic_file`), keeping the
previous version as ``<file>.bak``.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .atomic_file import atomic_write
from .atomic_file import fsync_dir as fsync_dir  # re-exported: older callers import it here
from .catalog import SPECS
from .design import Design, Layer
from .errors import DesignError
from .fixed_weights import weights_problem
from .formatting import one_line
from .groups import group_problem

FORMAT = "cnnstudio-design"
VERSION = 3
"""The newest format version this program reads and writes."""
BASE_VERSION = 1
"""The version written for designs that use nothing of a newer one (no groups)."""
GROUPS_VERSION = 2
"""The version that added layer groups."""
SUFFIX = ".cnn.json"

# Migrations from older versions: MIGRATIONS[n] turns a version-n document into version n+1.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    # Version 2 only adds the optional layer key "group": a version-1 document is one already.
    1: lambda doc: {**doc, "version": 2},
    # Version 3 only adds the optional layer key "weights".
    2: lambda doc: {**doc, "version": 3},
}

_LAYER_KEYS = ("id", "type", "inputs", "params", "frozen", "label", "pos", "group", "weights")

# A design of thousands of layers is well under 1 MiB; anything past this is not a design, and
# reading stops there, so a device (``/dev/zero``) or a huge file cannot exhaust the memory.
MAX_DESIGN_BYTES = 64 * 1024 * 1024
# Canvas coordinates beyond this are refused: Qt's scene index and the view's scroll bars work
# in doubles and ints, and a block a billion pixels away cannot be reached anyway.
MAX_POS = 1e9


def load_design(source: str | os.PathLike[str] | dict[str, Any]) -> Design:
    """Load a design from a path, a JSON string of a path, or an already parsed dict."""
    if isinstance(source, dict):
        return design_from_dict(source, "design")
    path = Path(source)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_DESIGN_BYTES + 1)
        if len(data) > MAX_DESIGN_BYTES:
            raise DesignError(
                f"{path}: larger than {MAX_DESIGN_BYTES // (1024 * 1024)} MiB, not a design file"
            )
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise DesignError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DesignError(f"{path}: is a folder, not a design file") from None
    except UnicodeDecodeError:
        raise DesignError(f"{path}: not a text file (a design is UTF-8 JSON)") from None
    except OSError as exc:
        raise DesignError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return loads_design(text, str(path))


def loads_design(text: str, origin: str = "design") -> Design:
    """Parse a design from JSON text; ``origin`` names it in error messages."""
    try:
        doc = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise DesignError(
            f"{origin}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except _NonFiniteConstant as exc:
        raise DesignError(
            f"{origin}: not valid JSON ({exc.args[0]} is not a JSON number; "
            "JSON has no NaN or Infinity)"
        ) from None
    except RecursionError:
        raise DesignError(f"{origin}: not valid JSON (nested too deeply)") from None
    except ValueError:
        # Python refuses to convert integers of more than 4300 digits (CVE-2020-10735).
        raise DesignError(f"{origin}: not a valid design (a number has too many digits)") from None
    return design_from_dict(doc, origin)


class _NonFiniteConstant(Exception):
    """``NaN``, ``Infinity`` or ``-Infinity`` met by the JSON parser."""


def _brief(value: Any) -> str:
    """At most 40 characters of ``value`` as JSON (also for integers too long to print)."""
    try:
        return json.dumps(value)[:40]
    except (ValueError, TypeError):
        return f"a {type(value).__name__} too large to show"


def _refuse_constant(name: str) -> Any:
    raise _NonFiniteConstant(name)


# Integers longer than this many bits (about 4200 digits) cannot be written back as JSON:
# Python refuses to print integers of more than 4300 digits.
_MAX_INT_BITS = 14_000


def _bad_number_path(doc: Any) -> str | None:
    """Where the first number JSON cannot hold sits in a parsed document (``layers[2].params.p``).

    That is a non-finite float (from ``1e999`` in a file, or a dict given to
    `design_from_dict`) or an integer too long to print. Iterative, so a document nested as
    deeply as the parser allows cannot overflow the stack.
    """
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:
        value, where = stack.pop()
        if type(value) is float:
            if not math.isfinite(value):
                return where or "the document"
        elif type(value) is int:
            if value.bit_length() > _MAX_INT_BITS:
                return where or "the document"
        elif isinstance(value, dict):
            stack.extend((v, f"{where}.{k}" if where else str(k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(value))
    return None


def design_from_dict(doc: Any, origin: str = "design") -> Design:
    """Build a `Design` from a parsed document, migrating older versions."""
    if not isinstance(doc, dict):
        raise DesignError(f"{origin}: not a cnnstudio design (the document is not a JSON object)")
    if doc.get("format") != FORMAT:
        found = doc.get("format")
        what = 'no "format" key' if found is None else f'"format" is {_brief(found)}'
        raise DesignError(f'{origin}: not a cnnstudio design ({what}, expected "{FORMAT}")')
    version = doc.get("version")
    if type(version) is not int or version < 1:
        raise DesignError(f'{origin}: "version" must be a positive integer, got {_brief(version)}')
    if version > VERSION:
        raise DesignError(
            f"{origin}: written by a newer cnnstudio (format version {_brief(version)}; this one "
            f"reads up to {VERSION}): update cnnstudio to open it"
        )
    bad_number = _bad_number_path(doc)
    if bad_number is not None:
        raise DesignError(
            f"{origin}: not a valid design ({one_line(bad_number[:80])} is not a number JSON "
            "can hold: infinite, NaN or an integer of thousands of digits)"
        )
    while version < VERSION:
        doc = MIGRATIONS[version](doc)
        version += 1
    raw_layers = doc.get("layers")
    if not isinstance(raw_layers, list):
        what = 'no "layers" list' if raw_layers is None else '"layers" is not a list'
        raise DesignError(f"{origin}: not a cnnstudio design ({what})")
    layers: list[Layer] = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_layers, 1):
        layer = _layer_from_dict(raw, n, origin)
        if layer.id in seen:
            raise DesignError(f"{origin}: layer id {layer.id!r} is used twice (ids must be unique)")
        seen.add(layer.id)
        layers.append(layer)
    name = doc.get("name", "Untitled")
    output = doc.get("output")
    training = doc.get("training")
    if not isinstance(name, str):
        raise DesignError(f'{origin}: "name" must be a string')
    if output is not None and not isinstance(output, str):
        raise DesignError(f'{origin}: "output" must be a layer id (a string)')
    if training is not None and not isinstance(training, dict):
        raise DesignError(f'{origin}: "training" must be an object')
    return Design(layers, name=name, output=output, training=training)


def _layer_from_dict(raw: Any, n: int, origin: str) -> Layer:
    where = f"{origin}: layer {n}"
    if not isinstance(raw, dict):
        raise DesignError(f"{where} is not an object")
    lid, typ = raw.get("id"), raw.get("type")
    if not isinstance(lid, str) or not lid:
        raise DesignError(f'{where} has no "id" (a non-empty string)')
    where = f"{origin}: layer {lid!r}"
    if not isinstance(typ, str):
        raise DesignError(f'{where} has no "type" (a string)')
    inputs = raw.get("inputs", [])
    if not isinstance(inputs, list) or not all(isinstance(i, str) for i in inputs):
        raise DesignError(f'{where}: "inputs" must be a list of layer ids')
    params = raw.get("params", {})
    if not isinstance(params, dict):
        raise DesignError(f'{where}: "params" must be an object')
    frozen = raw.get("frozen", False)
    if not isinstance(frozen, bool):
        raise DesignError(f'{where}: "frozen" must be true or false')
    label = raw.get("label")
    if label is not None and not isinstance(label, str):
        raise DesignError(f'{where}: "label" must be a string')
    pos = raw.get("pos")
    if pos is not None:
        ok = isinstance(pos, list) and len(pos) == 2
        ok = ok and all(type(v) in (int, float) and abs(v) <= MAX_POS for v in pos)
        if not ok:
            # Refused rather than repaired: a canvas cannot place NaN, Infinity or 1e300, and
            # silently moving the block would hide a broken file.
            raise DesignError(
                f'{where}: "pos" must be [x, y], two numbers between -{MAX_POS:.0e} and '
                f"{MAX_POS:.0e}"
            )
        pos = (float(pos[0]), float(pos[1]))
    group = raw.get("group")
    if group is not None and (why := group_problem(group)):
        raise DesignError(f'{where}: "group" {why}')
    weights = raw.get("weights")
    if weights is not None and (why := weights_problem(weights)):
        raise DesignError(f'{where}: "weights" {why}')
    return Layer(lid, typ, list(inputs), dict(params), frozen, label, pos, group, weights)


def design_to_dict(design: Design) -> dict[str, Any]:
    """The design as a document with keys in the canonical order, in the oldest version that
    holds it (2 for groups, 3 for fixed weights)."""
    version = BASE_VERSION
    for lay in design:
        if lay.weights is not None:
            version = VERSION
            break
        if lay.group is not None:
            version = GROUPS_VERSION
    doc: dict[str, Any] = {"format": FORMAT, "version": version, "name": design.name}
    if design.output is not None:
        doc["output"] = design.output
    doc["layers"] = [_layer_to_dict(lay) for lay in design]
    if design.training:
        doc["training"] = design.training
    return doc


def _layer_to_dict(layer: Layer) -> dict[str, Any]:
    out: dict[str, Any] = {"id": layer.id, "type": layer.type}
    if layer.inputs or layer.type != "Input":
        out["inputs"] = list(layer.inputs)
    if layer.params:
        spec = SPECS.get(layer.type)
        order = list(spec.param_map) if spec else []
        # Known parameters in catalog order, unknown ones (kept so nothing is lost) sorted after.
        keys = [k for k in order if k in layer.params]
        keys += sorted(k for k in layer.params if k not in order)
        out["params"] = {k: layer.params[k] for k in keys}
    if layer.frozen:
        out["frozen"] = True
    if layer.label is not None:
        out["label"] = layer.label
    if layer.pos is not None:
        out["pos"] = [_num(layer.pos[0]), _num(layer.pos[1])]
    if layer.group is not None:
        out["group"] = layer.group
    if layer.weights is not None:
        out["weights"] = layer.weights
    return out


def _num(v: float) -> int | float:
    r = round(v, 1)
    return int(r) if r == int(r) else r


def _non_finite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_non_finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_non_finite(v) for v in value)
    return False


def _refuse_non_finite(doc: dict[str, Any]) -> None:
    """JSON has no NaN or Infinity: say which layer holds one rather than write a file that
    every reader (cnnstudio included) refuses."""
    for layer in doc.get("layers", []):
        for name, value in (layer.get("params") or {}).items():
            if _non_finite(value):
                raise DesignError(
                    f"{one_line(layer['id'])}: {name} is {value!r}, which a design file cannot "
                    "hold (JSON has no NaN or Infinity): set a finite value first"
                )
    if _non_finite(doc):
        raise DesignError(
            "the design holds NaN or Infinity, which a design file cannot hold: "
            "set finite values first"
        )


def dumps_design(design: Design) -> str:
    """Canonical text of a design: top-level keys one per line, one layer per line.

    Raises `DesignError` when a value is NaN or Infinity (JSON cannot hold them)."""
    doc = design_to_dict(design)
    _refuse_non_finite(doc)
    lines = ["{"]
    items = list(doc.items())
    for i, (key, value) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        if key == "layers":
            lines.append('  "layers": [')
            for j, layer in enumerate(value):
                sep = "," if j < len(value) - 1 else ""
                lines.append("    " + json.dumps(layer, ensure_ascii=False) + sep)
            lines.append("  ]" + comma)
        elif key == "training":
            body = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
            lines.append(f'  "training": {body.replace(chr(10), chr(10) + "  ")}{comma}')
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def save_design(design: Design, path: str | os.PathLike[str], *, backup: bool = True) -> bytes:
    """Save atomically in the canonical form; raises `DesignError` when the path is unwritable.

    A symlink is saved through (its target gets the content), and a path that is not a
    regular file (a device, a pipe, a folder) is refused and left as it is (see
    `atomic_write`). Returns the bytes written, so a caller can tell its own save on disk
    from another writer's.
    """
    data = dumps_design(design).encode("utf-8")
    try:
        atomic_write(path, data, backup=backup)
    except OSError as exc:
        raise DesignError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    return data
