"""The layers: what each part of the project may not import, read from every .py file's imports with ast.

surfaces (what is descended) < optim (how it descends) < scenes (state and compute) < links (a page's state in its
link and controls) < charts (a page's figures) < lab (the page registry, the warm-up, the export command) < views and
app.py (the pages). viz (pure Plotly) is beside them: it draws NumPy values and imports nothing of the project and
never jax, so the figure code hands it what it needs (an optimizer's colour travels with each Path); rooms (class
mode's store) stands apart too, importing nothing of the project. Every import statement counts, at module level or
inside a function (a lazy import is still a dependency); imports by name at run time (importlib: the registry's page
modules) are not seen. docs/architecture.md draws the same table.
"""

from __future__ import annotations

import ast
import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {"__pycache__", "build", "dist", "node_modules", "venv"}  # and every hidden one (.venv, .git)
LAYERS = ("surfaces", "optim", "scenes", "links", "charts", "lab", "views")  # bottom up; app.py stands on views


def above(layer: str) -> tuple[str, ...]:
    return LAYERS[LAYERS.index(layer) + 1 :]


# Where a module lives -> the imports it must not make. A key is a tuple of fnmatch patterns on the path from the
# project root ("*" crosses folders); "!pattern" excepts the paths it matches. A forbidden prefix "viz" forbids viz
# and viz.anything. A module obeys every rule whose key it matches. When modules move, edit the patterns.
RULES: dict[tuple[str, ...], tuple[str, ...]] = {
    ("surfaces/*",): ("viz", *above("surfaces")),
    ("optim/*",): ("viz", *above("optim")),
    ("scenes/*",): ("viz", *above("scenes")),  # compute hands arrays to the figure code, never draws
    ("links/*",): ("viz", *above("links")),
    ("charts/*",): above("charts"),
    ("lab/*",): above("lab"),
    ("viz/*",): ("jax", "jaxlib", *LAYERS),
    ("rooms/*",): ("viz", *LAYERS),  # the class store: SQL and the standard library, beneath the pages that use it
    # the pages alone talk to Streamlit; the tests and benchmarks drive them through streamlit.testing
    ("*", "!app.py", "!views/*", "!tests/*", "!benchmarks/*"): ("streamlit",),
}


def project_files() -> list[str]:
    """Every .py file of the project, as a path from the root with forward slashes."""
    out = []
    for p in ROOT.rglob("*.py"):
        parts = p.relative_to(ROOT).parts
        if any(d.startswith(".") or d in SKIPPED_DIRS or d.endswith(".egg-info") for d in parts[:-1]):
            continue
        out.append(p.relative_to(ROOT).as_posix())
    return sorted(out)


def matches(path: str, key: tuple[str, ...]) -> bool:
    inside = [p for p in key if not p.startswith("!")]
    outside = [p[1:] for p in key if p.startswith("!")]
    return any(fnmatch.fnmatch(path, p) for p in inside) and not any(fnmatch.fnmatch(path, p) for p in outside)


def imports_of(source: str, path: str) -> list[tuple[int, str, tuple[str, ...]]]:
    """(line, the statement as written, the modules it names) for every import in the file, nested ones included.

    ``from a import b`` names a and a.b (b may be a module); a relative import is resolved against ``path``."""
    package = path.removesuffix(".py").split("/")[:-1]
    if path.endswith("/__init__.py"):
        package = path.split("/")[:-1]
    found = []
    for node in ast.walk(ast.parse(source, path)):
        if isinstance(node, ast.Import):
            names = tuple(a.name for a in node.names)
            found.append((node.lineno, "import " + ", ".join(names), names))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package[: len(package) - node.level + 1]
                base = ".".join([*up, *([node.module] if node.module else [])])
            names = (base, *(f"{base}.{a.name}" for a in node.names))
            written = f"from {'.' * node.level}{node.module or ''} import {', '.join(a.name for a in node.names)}"
            found.append((node.lineno, written, names))
    return sorted(found)


def describe(key: tuple[str, ...]) -> str:
    """ "scenes/* (except scenes/figures.py, ...)": a rule's patterns as the failure message names them."""
    inside = ", ".join(p for p in key if not p.startswith("!"))
    outside = ", ".join(p[1:] for p in key if p.startswith("!"))
    return f"{inside} (except {outside})" if outside else inside


def forbids(prefix: str, module: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_no_module_imports_across_its_layer():
    broken = []
    for path in project_files():
        rules = [(key, forbidden) for key, forbidden in RULES.items() if matches(path, key)]
        if not rules:
            continue
        for line, written, names in imports_of((ROOT / path).read_text(), path):
            for key, forbidden in rules:
                bad = sorted({p for p in forbidden for n in names if forbids(p, n)})
                if bad:
                    broken.append(f"{path}:{line}: `{written}` imports {', '.join(bad)}: forbidden in {describe(key)}")
    assert not broken, "layering broken:\n" + "\n".join(broken)


def test_every_pattern_of_the_rules_names_a_file():
    """A pattern that matches nothing is a rule (or an exception) left behind by a move: update the table."""
    files = project_files()
    stale = [p for key in RULES for p in key if not fnmatch.filter(files, p.removeprefix("!"))]
    assert not stale, f"these patterns of RULES match no .py file (moved or renamed?): {stale}"


@pytest.mark.parametrize(
    ("source", "path", "expected"),
    [
        ("import jax.numpy as jnp, numpy", "viz/a.py", [(1, "import jax.numpy, numpy", ("jax.numpy", "numpy"))]),
        (
            "def f():\n    from optim import run\n",
            "surfaces/a.py",
            [(2, "from optim import run", ("optim", "optim.run"))],
        ),
        ("from .theme import INK\n", "viz/a.py", [(1, "from .theme import INK", ("viz.theme", "viz.theme.INK"))]),
        (
            "from .. import compute\n",
            "scenes/sub/a.py",
            [(1, "from .. import compute", ("scenes", "scenes.compute"))],
        ),
        ("from . import theme\n", "viz/__init__.py", [(1, "from . import theme", ("viz", "viz.theme"))]),
    ],
)
def test_imports_are_read_everywhere_and_resolved(source, path, expected):
    assert imports_of(source, path) == expected


def test_a_broken_layer_is_named_with_file_line_and_import():
    rules = [f for key, f in RULES.items() if matches("viz/contour.py", key)]
    assert ("jax", "jaxlib", *LAYERS) in rules and ("streamlit",) in rules
    scenes_rule = next(f for k, f in RULES.items() if matches("scenes/compute.py", k) and "viz" in f)
    assert {"viz", "links", "charts", "views"} <= set(scenes_rule)  # compute draws nothing and knows no page
    assert "viz" not in next(f for k, f in RULES.items() if matches("charts/minima.py", k))  # the charts draw
    assert "links" not in next(f for k, f in RULES.items() if matches("charts/minima.py", k))
    assert not any(matches("views/common.py", k) for k, f in RULES.items() if "streamlit" in f)
    ((line, written, names),) = imports_of("x = 1\nif x:\n    import viz.raster\n", "scenes/compute.py")
    assert (line, written) == (3, "import viz.raster") and any(forbids("viz", n) for n in names)
