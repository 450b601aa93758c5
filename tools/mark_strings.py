"""Wrap the user-visible string literals of GUI modules in ``translate("Context", ...)``.

A helper for marking strings (docs/ARCHITECTURE.md, "Translations"), not a build step: it
looks for string literals at the arguments Qt shows to users (``setText``, ``setToolTip``,
``QLabel(...)``, ``addMenu``, ``QMessageBox.warning(parent, title, text)``, ``addRow``...),
wraps the plain ones and lists the f-strings and concatenations it cannot wrap, so they can be
rewritten by hand as ``translate(...).format(...)``. Running it again changes nothing.

    python tools/mark_strings.py cnnstudio/gui/summary.py [more files...]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ARG0 = {
    "setText",
    "setToolTip",
    "setStatusTip",
    "setWindowTitle",
    "setPlaceholderText",
    "setTitle",
    "setIconText",
    "showMessage",
    "setLabelText",
    "setWhatsThis",
    "setInformativeText",
    "setDetailedText",
    "setSpecialValueText",
    "QLabel",
    "QPushButton",
    "QCheckBox",
    "QRadioButton",
    "QGroupBox",
    "QDockWidget",
    "QAction",
    "QMenu",
    "QToolBar",
    "QToolButton",
    "addMenu",
    "addAction",
    "insert_menu",
    "_action",
    "addRow",
    "setSuffix",
    "_show_error",
    "_error_box",
    "action",
    "setFormat",
    "show_message",
}
# pyqtgraph: axis labels (``setLabel("left", text)`` or ``axis.setLabel(text)``), legends.
PLOT = {"setLabel": -1, "_plot": 1, "_curve": 2}
# Helpers whose last argument is a tooltip: name -> index.
TIP_ARG = {"_action": 3, "action": 3, "_int_box": 2, "_float_box": 3}
ARG1 = {"addTab", "setTabText", "setTabToolTip", "add_dock", "add_bottom_dock"}
ARG2 = {"insertTab"}
DIALOG = {"warning", "information", "critical", "question", "about"}  # (parent, title, text)
FILE_DIALOG = {
    "getOpenFileName",
    "getSaveFileName",
    "getExistingDirectory",
    "getText",
    "getInt",
    "getDouble",
    "getItem",
}  # (parent, caption/title, ...)
# Not addItems: combo items are often codes the code reads back (currentText).
LISTS = {"setHorizontalHeaderLabels", "setVerticalHeaderLabels", "setHeaderLabels"}
KEYWORDS = {"tip", "title", "text", "toolTip", "tooltip", "label"}
# Dock titles also name the dock (its objectName): the caller marks, add_dock translates.
NOOP = {"add_dock", "add_bottom_dock"}


def context_of(path: Path) -> str:
    """One context per feature: the subpackage (``Training``) or the module (``MainWindow``)."""
    parts = path.with_suffix("").parts
    i = parts.index("cnnstudio")
    rest = parts[i + 1 :]
    if len(rest) >= 3:  # cnnstudio/gui/training/panel.py -> Training
        return rest[1].title().replace("_", "")
    return "".join(w.title() for w in rest[-1].split("_"))


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _visible(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and any(c.isalpha() for c in node.value)
    )


# The core's messages: LayerProblem(code, message, fix), Fix(label, edits),
# Diagnostic(code, message, ...), and the explanation lines of ``def explain``.
CORE_ARGS = {"LayerProblem": 1, "Fix": 0, "Diagnostic": 1, "CompositeError": 0, "LabError": 0}
CORE_NAMES = {"text", "message", "problem_text"}
# Functions whose returned strings are shown: undo labels, why a connection is refused.
RETURNS_MESSAGE = {
    "label",
    "connect_problem",
    "lines",
    "_init_hint",
    "_overfit_reason",
    "name_problem",
}

# Declared data shown elsewhere (the layer catalog): marked only, translated where shown.
DATA_ARGS: dict[str, tuple[int, ...]] = {
    "ParamSpec": (3,),
    "Group": (1,),
    "TemplateInfo": (2,),
    "Preset": (1, 2),
}
DATA_ATTRIBUTES = {"summary"}


def _core_targets(tree: ast.AST) -> list[ast.expr]:
    found: list[ast.expr] = []

    def strings(node: ast.expr) -> list[ast.expr]:
        if isinstance(node, (ast.Constant, ast.JoinedStr)):
            return [node]
        if isinstance(node, ast.IfExp):
            return strings(node.body) + strings(node.orelse)
        if isinstance(node, ast.BinOp):  # "line" + (f" — {hint}" if hint else "")
            return strings(node.left) + strings(node.right)
        if isinstance(node, (ast.List, ast.Tuple)):
            return [s for e in node.elts for s in strings(e)]
        return []

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            index = CORE_ARGS.get(name)
            if index is not None and len(node.args) > index:
                found.extend(strings(node.args[index]))
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in CORE_NAMES for t in node.targets
        ):
            found.extend(strings(node.value))
        if isinstance(node, ast.Call):
            found.extend(s for k in node.keywords if k.arg == "label" for s in strings(k.value))
        if isinstance(node, ast.FunctionDef) and node.name in RETURNS_MESSAGE:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Return) and sub.value is not None:
                    found.extend(strings(sub.value))
                if isinstance(sub, (ast.Assign, ast.AugAssign)):  # the report's lines
                    found.extend(strings(sub.value))
        if isinstance(node, ast.FunctionDef) and node.name == "explain":
            for sub in ast.walk(node):
                if isinstance(sub, ast.Call) and _name(sub.func) == "append" and sub.args:
                    found.extend(strings(sub.args[0]))
                if isinstance(sub, ast.Return) and sub.value is not None:
                    found.extend(strings(sub.value))
                if isinstance(sub, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id in ("lines", "line", "over")
                    for t in sub.targets
                ):
                    found.extend(strings(sub.value))
    # _visible: a string constant with a letter in it.
    return [n for n in found if isinstance(n, ast.JoinedStr) or _visible(n)]


def as_format(node: ast.JoinedStr, source: str) -> tuple[str, str] | None:
    """``f"kernel {k} > {n}"`` -> ``("'kernel {k} > {n}'", ".format(k=k, n=n)")``, or None."""
    template = []
    args: dict[str, str] = {}
    for part in node.values:
        if isinstance(part, ast.Constant):
            template.append(str(part.value).replace("{", "{{").replace("}", "}}"))
            continue
        assert isinstance(part, ast.FormattedValue)
        expr = ast.get_source_segment(source, part.value)
        if expr is None:
            return None
        value = part.value
        if isinstance(value, ast.Name):
            name = value.id
        elif isinstance(value, ast.Attribute):
            name = value.attr
        else:
            name = "value"
        base, n = name, 1
        while name in args and args[name] != expr:
            n += 1
            name = f"{base}{n}"
        args[name] = expr
        spec = ""
        if isinstance(part.format_spec, ast.JoinedStr):
            pieces = part.format_spec.values
            if not all(isinstance(v, ast.Constant) for v in pieces):
                return None  # a computed format spec: left for a hand
            spec = ":" + "".join(str(v.value) for v in pieces if isinstance(v, ast.Constant))
        conversion = "" if part.conversion == -1 else "!" + chr(part.conversion)
        template.append("{" + name + conversion + spec + "}")
    text = "".join(template)
    words = "".join(str(p.value) for p in node.values if isinstance(p, ast.Constant))
    if sum(c.isalpha() for c in words) < 3:
        return None  # "{type} · {id}": nothing to translate
    call = ", ".join(f"{k}={v}" for k, v in args.items())
    return _literal(text), f".format({call})"


def _literal(text: str, width: int = 76) -> str:
    """A Python literal of ``text``, split into implicitly joined lines when it is long."""
    chunks, line = [], ""
    for word in text.split(" "):
        if line and len(line) + len(word) + 1 > width:
            chunks.append(line + " ")
            line = word
        else:
            line = f"{line} {word}" if line else word
    chunks.append(line)
    if text.startswith(" "):  # split() above drops a leading space
        chunks = [text]

    def one(chunk: str) -> str:
        quoted = repr(chunk)
        if quoted.startswith("'") and '"' not in chunk:
            quoted = '"' + quoted[1:-1].replace("\\'", "'") + '"'
        return quoted

    return "\n".join(one(c) for c in chunks)


def targets(tree: ast.AST) -> tuple[list[tuple[ast.expr, str]], list[ast.expr]]:
    """The literals to wrap (with the marker to use) and the dynamic strings to rewrite."""
    wrap: list[tuple[ast.expr, str]] = []
    dynamic: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for stmt in node.body:
                if (
                    isinstance(stmt, ast.Assign)
                    and any(
                        isinstance(t, ast.Name) and t.id in DATA_ATTRIBUTES for t in stmt.targets
                    )
                    and _visible(stmt.value)
                ):
                    wrap.append((stmt.value, "QT_TRANSLATE_NOOP"))
        if isinstance(node, ast.Call) and _name(node.func) in DATA_ARGS:
            for index in DATA_ARGS[_name(node.func)]:
                if len(node.args) > index and _visible(node.args[index]):
                    wrap.append((node.args[index], "QT_TRANSLATE_NOOP"))
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        name = _name(call.func)
        if name in ("translate", "QT_TRANSLATE_NOOP", "tr"):
            continue
        picks: list[ast.expr] = []
        args = call.args
        if name in PLOT and args:
            index = PLOT[name] if PLOT[name] >= 0 else len(args) - 1
            if len(args) > index:
                picks.append(args[index])
        if name in TIP_ARG and len(args) > TIP_ARG[name]:
            picks.append(args[TIP_ARG[name]])
        if name in ARG0 and args:
            picks.append(args[0])
            if name == "_show_error" and len(args) > 1:
                picks.append(args[1])
        elif name in ARG1 and len(args) > 1:
            picks.append(args[1])
        elif name in ARG2 and len(args) > 2:
            picks.append(args[2])
        elif name in DIALOG and len(args) > 2:
            picks.extend(args[1:3])
        elif name in FILE_DIALOG and len(args) > 1:
            picks.append(args[1])
            if len(args) > 2 and name in ("getText", "getInt", "getDouble", "getItem"):
                picks.append(args[2])
        elif name in LISTS and args and isinstance(args[0], (ast.List, ast.Tuple)):
            picks.extend(args[0].elts)
        picks.extend(k.value for k in call.keywords if k.arg in KEYWORDS)
        marker = "QT_TRANSLATE_NOOP" if name in NOOP else "translate"
        for node in picks:
            if _visible(node):
                wrap.append((node, marker))
            elif isinstance(node, (ast.JoinedStr, ast.BinOp)):
                dynamic.append(node)
            elif isinstance(node, ast.IfExp):
                for branch in (node.body, node.orelse):
                    if _visible(branch):
                        wrap.append((branch, marker))
                    elif isinstance(branch, (ast.JoinedStr, ast.BinOp)):
                        dynamic.append(branch)
    return wrap, dynamic


def mark(path: Path) -> list[str]:
    """Rewrite ``path`` in place; returns ``file:line`` of what needs a hand."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    wrap, dynamic = targets(tree)
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(lineno: int, col: int) -> int:
        line = lines[lineno - 1]
        return starts[lineno - 1] + len(line.encode("utf-8")[:col].decode("utf-8"))

    context = context_of(path)
    edits = []
    markers = set()
    if "core" in path.parts or "engine" in path.parts:
        for node in _core_targets(tree):
            assert node.end_lineno is not None and node.end_col_offset is not None
            a = offset(node.lineno, node.col_offset)
            b = offset(node.end_lineno, node.end_col_offset)
            if isinstance(node, ast.JoinedStr):
                converted = as_format(node, source)
                if converted is None:
                    dynamic.append(node)
                    continue
                text, call = converted
                edits.append((a, b, f'translate("{context}", {text}){call}'))
            else:
                edits.append((a, b, f'translate("{context}", {source[a:b]})'))
            markers.add("translate")
    for node, marker in wrap:
        assert node.end_lineno is not None and node.end_col_offset is not None
        a = offset(node.lineno, node.col_offset)
        b = offset(node.end_lineno, node.end_col_offset)
        if marker == "QT_TRANSLATE_NOOP":
            # Data declared in the core keeps its module's context; dock titles use "Panels".
            where = context if "core" in path.parts else "Panels"
        else:
            where = context
        edits.append((a, b, f'{marker}("{where}", {source[a:b]})'))
        markers.add(marker)
    remaining: list[ast.expr] = []
    for node in dynamic:  # f-strings at the shown positions become translate(...).format(...)
        converted = as_format(node, source) if isinstance(node, ast.JoinedStr) else None
        if converted is None:
            words = ast.unparse(node)
            if isinstance(node, ast.BinOp) or sum(c.isalpha() for c in words) >= 3:
                remaining.append(node)
            continue
        assert node.end_lineno is not None and node.end_col_offset is not None
        text, call = converted
        a = offset(node.lineno, node.col_offset)
        b = offset(node.end_lineno, node.end_col_offset)
        edits.append((a, b, f'translate("{context}", {text}){call}'))
        markers.add("translate")
    dynamic = remaining
    unique = sorted({(a, b): (a, b, t) for a, b, t in edits}.values(), reverse=True)
    # A string inside another marked one (an f-string in a conditional) keeps the outer edit.
    edits = [e for e in unique if not any(o[0] <= e[0] and e[1] <= o[1] and o != e for o in unique)]
    for a, b, text in edits:
        source = source[:a] + text + source[b:]
    if edits:
        depth = len(path.parts) - path.parts.index("cnnstudio") - 1
        # In the core the module is reached within it (``.i18n``, ``..i18n`` from core/lab/).
        in_core = path.parts[path.parts.index("cnnstudio") + 1] == "core"
        module = "." * (depth - 1) + "i18n" if in_core else "." * depth + "core.i18n"
        # Names the module already imports from core.i18n (``from .i18n import translate``).
        imported = {
            alias.name
            for n in ast.parse(source).body
            if isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[-1] == "i18n"
            for alias in n.names
        }
        names = ", ".join(sorted(markers))
        line = f"from {module} import {names}\n"
        if line not in source and not markers <= imported:
            tree2 = ast.parse(source)
            last = max(
                n.end_lineno or 0 for n in tree2.body if isinstance(n, (ast.Import, ast.ImportFrom))
            )
            body = source.splitlines(keepends=True)
            body.insert(last, line)
            source = "".join(body)
        path.write_text(source, encoding="utf-8")
    return [f"{path}:{n.lineno}: {ast.unparse(n)[:90]}" for n in dynamic]


def main(argv: list[str]) -> int:
    for name in argv:
        for problem in mark(Path(name)):
            print(problem)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
