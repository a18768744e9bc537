"""A student's answer reduced to definitions, for the trusted re-check (recheck.py).

`keep_definitions` keeps functions, classes, imports and constant assignments, and drops (and
lists) every other statement: `get_ipython().input_transformers_post.append(...)` or
`np.testing.assert_allclose = ...` never run in the re-check. A default value, a base class or
an assigned value is kept only when evaluating it runs no student code (`_simple`).
"""

from __future__ import annotations

import ast

_NUMPY = {"np", "numpy", "math"}


def _simple(node: ast.AST | None) -> bool:
    """An expression that runs no student code when evaluated: literals, names, attributes,
    containers of those, lambdas (their body runs only when called), and calls of NumPy/math
    functions on literals (`np.float32(0.5)`, `np.zeros(3)`)."""
    if node is None:
        return True
    if isinstance(node, ast.Lambda):
        return all(_simple(d) for d in node.args.defaults + node.args.kw_defaults if d)
    if isinstance(node, ast.Call):
        func = node.func
        root = func
        while isinstance(root, ast.Attribute):
            root = root.value
        return (
            isinstance(func, ast.Attribute)
            and isinstance(root, ast.Name)
            and root.id in _NUMPY
            and all(_literal(a) for a in node.args)
            and all(_literal(k.value) for k in node.keywords)
        )
    if isinstance(node, (ast.Constant, ast.Name)):
        return True
    if isinstance(node, ast.Attribute):
        return _simple(node.value)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_simple(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(_simple(k) and _simple(v) for k, v in zip(node.keys, node.values, strict=True))
    if isinstance(node, (ast.UnaryOp, ast.BinOp)):
        return all(_simple(c) for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr))
    return False


def _literal(node: ast.AST) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _names(target: ast.AST) -> bool:
    if isinstance(target, ast.Name):
        return True
    if isinstance(target, (ast.Tuple, ast.List)):
        return all(_names(e) for e in target.elts)
    return False


def _arguments_simple(args: ast.arguments) -> bool:
    return all(_simple(d) for d in args.defaults + args.kw_defaults if d)


def _keep(stmt: ast.stmt) -> bool:
    if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Pass)):
        return True
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return not stmt.decorator_list and _arguments_simple(stmt.args)
    if isinstance(stmt, ast.ClassDef):
        return (
            not stmt.decorator_list
            and not stmt.keywords  # no metaclass
            and all(_simple(b) for b in stmt.bases)
            and all(_keep(s) for s in stmt.body)
        )
    if isinstance(stmt, ast.Assign):
        return all(_names(t) for t in stmt.targets) and _simple(stmt.value)
    if isinstance(stmt, ast.AnnAssign):
        return _names(stmt.target) and _simple(stmt.value)
    if isinstance(stmt, ast.Expr):  # a docstring or a bare constant
        return isinstance(stmt.value, ast.Constant)
    return False


def strip_magics(source: str) -> str:
    """Source with IPython magics and shell escapes (`%...`, `!...`) commented out."""
    out = []
    for line in source.splitlines():
        stripped = line.lstrip()
        out.append(f"# {line}" if stripped.startswith(("%", "!")) else line)
    return "\n".join(out)


def keep_definitions(source: str) -> tuple[str, list[str]]:
    """(the source's definitions only, ['line N: statement' for each dropped statement]).

    A source that does not parse is returned unchanged: compiling it fails the same way in
    the re-check, and no code of it runs.
    """
    source = strip_magics(source)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source, []
    kept, dropped = [], []
    lines = source.splitlines()
    for stmt in tree.body:
        if _keep(stmt):
            kept.append(ast.get_source_segment(source, stmt) or ast.unparse(stmt))
        else:
            first = lines[stmt.lineno - 1].strip() if stmt.lineno <= len(lines) else ""
            dropped.append(f"line {stmt.lineno}: {first[:80]}")
    # exact source of kept statements (indentation of a top-level statement is 0)
    return "\n\n".join(kept) + "\n", dropped
