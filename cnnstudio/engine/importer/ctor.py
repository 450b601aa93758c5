"""Constructor arguments of every module built while a model is made, and their Python code.

An opaque block is exported as an instance of its original class, so the importer must know
how the instance was built. `record_constructors` watches ``__init__`` calls (through
``sys.setprofile``, on the current thread only) while the source builds the model, and
`constructor_code` turns a recorded call back into source code such as
``torchvision.ops.misc.SqueezeExcitation(input_channels=16, squeeze_channels=8)``.
"""

from __future__ import annotations

import builtins
import functools
import importlib
import inspect
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Call:
    """How one module instance was constructed: its class and the arguments in order."""

    cls: type
    positional: list[Any] = field(default_factory=list)
    keywords: dict[str, Any] = field(default_factory=dict)


Calls = dict[int, Call]


@contextmanager
def record_constructors() -> Iterator[Calls]:
    """Record the constructor call of every ``nn.Module`` made inside the block, by ``id``."""
    from torch import nn

    calls: Calls = {}
    keep: list[Any] = []  # the instances, so that no id is reused while recording
    previous = sys.getprofile()

    def profiler(frame: Any, event: str, arg: Any) -> None:
        if event != "call" or frame.f_code.co_name != "__init__":
            return
        self = frame.f_locals.get("self")
        if not isinstance(self, nn.Module) or id(self) in calls:
            return
        init = getattr(type(self), "__init__", None)
        if getattr(init, "__code__", None) is not frame.f_code:
            return  # a base class's __init__ reached through super(): not the real call
        calls[id(self)] = _arguments(type(self), frame)
        keep.append(self)

    sys.setprofile(profiler)
    try:
        yield calls
    finally:
        sys.setprofile(previous)


def _arguments(cls: type, frame: Any) -> Call:
    code = frame.f_code
    names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
    local = frame.f_locals
    call = Call(cls)
    n_pos = code.co_argcount
    has_varargs = bool(code.co_flags & inspect.CO_VARARGS)
    for i, name in enumerate(names[1:], start=1):
        value = _snapshot(local.get(name))
        if i < n_pos and has_varargs:
            call.positional.append(value)
        else:
            call.keywords[name] = value
    index = code.co_argcount + code.co_kwonlyargcount
    if has_varargs:
        call.positional.extend(_snapshot(v) for v in local.get(code.co_varnames[index], ()))
        index += 1
    if code.co_flags & inspect.CO_VARKEYWORDS:
        for key, value in local.get(code.co_varnames[index], {}).items():
            call.keywords[key] = _snapshot(value)
    _drop_defaults(cls, call)
    return call


def _snapshot(value: Any) -> Any:
    """Containers are copied: an ``__init__`` may mutate the list it was given."""
    if isinstance(value, list):
        return [_snapshot(v) for v in value]
    if isinstance(value, dict):
        return {k: _snapshot(v) for k, v in value.items()}
    return value


def _drop_defaults(cls: type, call: Call) -> None:
    """Keyword arguments equal to the signature's default make the code longer, not clearer."""
    try:
        params = inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return
    for name in list(call.keywords):
        param = params.get(name)
        if param is None or param.default is inspect.Parameter.empty:
            continue
        try:
            same = type(param.default) is type(call.keywords[name]) and bool(
                param.default == call.keywords[name]
            )
        except Exception:  # a value whose == raises is simply kept
            same = False
        if same:
            del call.keywords[name]


def constructor_code(module: Any, calls: Calls) -> str | None:
    """``package.module.Class(args)`` that rebuilds ``module``, or None if that cannot be said."""
    call = calls.get(id(module))
    if call is None:
        return None
    ref = reference(call.cls)
    args = arguments_code(call, calls)
    if ref is None or args is None:
        return None
    return f"{ref}({args})"


def arguments_code(call: Call, calls: Calls) -> str | None:
    """The argument list of a recorded call as code, or None when a value has no literal form."""
    parts = []
    for value in call.positional:
        text = value_code(value, calls)
        if text is None:
            return None
        parts.append(text)
    for key, value in call.keywords.items():
        text = value_code(value, calls)
        if text is None:
            return None
        parts.append(f"{key}={text}")
    return ", ".join(parts)


def value_code(value: Any, calls: Calls) -> str | None:
    """A constructor argument as Python source (literals, importable names, partials, modules)."""
    from torch import nn

    if value is None or isinstance(value, (bool, int, str)):
        return repr(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f'float("{value}")'
    if isinstance(value, (list, tuple)):
        items = [value_code(v, calls) for v in value]
        if any(i is None for i in items):
            return None
        if isinstance(value, tuple):
            return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"  # type: ignore[arg-type]
        return "[" + ", ".join(items) + "]"  # type: ignore[arg-type]
    if isinstance(value, dict):
        keys = [value_code(k, calls) for k in value]
        vals = [value_code(v, calls) for v in value.values()]
        if any(k is None for k in keys) or any(v is None for v in vals):
            return None
        return "{" + ", ".join(f"{k}: {v}" for k, v in zip(keys, vals, strict=True)) + "}"
    if isinstance(value, functools.partial):
        func = value_code(value.func, calls)
        inner = Call(type(None), list(value.args), dict(value.keywords))
        args = arguments_code(inner, calls)
        if func is None or args is None:
            return None
        return f"functools.partial({func}{', ' + args if args else ''})"
    if isinstance(value, nn.Module):
        return constructor_code(value, calls)
    if isinstance(value, type) or inspect.isfunction(value) or inspect.isbuiltin(value):
        return reference(value)
    return None


def reference(obj: Any) -> str | None:
    """``package.module.Name`` when importing that name gives back ``obj``, else None."""
    module_name = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not module_name or not qualname or "<" in qualname:
        return None
    if module_name == "builtins":
        return qualname if getattr(builtins, qualname, None) is obj else None
    try:
        target: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError):
        return None
    if target is not obj:
        return None
    if module_name == "__main__":
        return None
    return f"{module_name}.{qualname}"
