"""The packages of ``voting`` import one way, down the declared layers, with no cycle and no hidden import."""

from __future__ import annotations

import ast
import graphlib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "voting"

#: From the bottom up; a package may import its own layer and the layers below, never above.
LAYERS: list[set[str]] = [
    {
        "extensions",
        "config",
        "errors",
        "i18n",
        "formatting",
        "forms",
        "confirm",  # the confirmation of irreversible actions (forms' shared step)
        "models",
        "security",
        "views",
        "transactions",
        "qr",
        "links",
        "crypto",  # the election protocol: imports nothing of the app (its verifier must run alone)
    },
    {"clusters", "audit", "auth"},
    {"conferences"},
    {"trustees"},
    {"elections", "handovers", "emulation"},
    {"documents"},
    {"signing"},
    {"console", "display", "api", "admin"},
    {"demo", "cli", "voting"},
]
RANK = {package: rank for rank, layer in enumerate(LAYERS) for package in layer}

#: Modules whose functions may import: the app factory sits above every layer and wires them in.
FUNCTION_IMPORTS_ALLOWED = {"voting"}


@dataclass(frozen=True)
class Import:
    """One ``import voting.…`` statement: where it is and what it names."""

    module: str  # the importing module, e.g. voting.auth.routes
    target: str  # the imported module, e.g. voting.elections.models
    line: int
    in_function: bool

    @property
    def where(self) -> str:
        return f"{self.module}:{self.line} imports {self.target}"


def package_of(module: str) -> str:
    """Return the feature package (or top-level module) a module belongs to: voting.auth.routes -> auth."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def imports_of(module: str, source: str, *, is_package: bool = False) -> list[Import]:
    """Return every import of a ``voting`` module in *source*, at any depth, TYPE_CHECKING blocks included."""
    found: list[Import] = []
    here = module.split(".") if is_package else module.split(".")[:-1]

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            names: list[str] = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = here[: len(here) - child.level + 1]
                    names = [".".join([*base, child.module] if child.module else base)]
                elif child.module:
                    names = [child.module]
            found.extend(
                Import(module, name, child.lineno, in_function)
                for name in names
                if name == "voting" or name.startswith("voting.")
            )
            visit(child, nested)

    visit(ast.parse(source), False)
    return found


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_imports() -> list[Import]:
    return [
        found
        for path in sorted(ROOT.rglob("*.py"))
        for found in imports_of(
            module_name(path), path.read_text(encoding="utf-8"), is_package=path.name == "__init__.py"
        )
    ]


def layer_violations(imports: list[Import]) -> list[str]:
    """Return the imports that go up the layers, or name a package no layer declares."""
    problems = []
    for found in imports:
        source, target = package_of(found.module), package_of(found.target)
        if source == target:
            continue
        if source not in RANK or target not in RANK:
            problems.append(f"{found.where}: declare {source if source not in RANK else target} in LAYERS")
        elif RANK[target] > RANK[source]:
            problems.append(f"{found.where}: {source} (layer {RANK[source]}) is below {target}")
    return problems


def package_cycles(imports: list[Import]) -> list[str]:
    """Return a cycle between packages, if any (same-layer packages may import each other one way only)."""
    graph: dict[str, set[str]] = {}
    for found in imports:
        source, target = package_of(found.module), package_of(found.target)
        if source != target:
            graph.setdefault(source, set()).add(target)
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        return [" -> ".join(error.args[1])]
    return []


def hidden_imports(imports: list[Import]) -> list[str]:
    """Return the imports made inside functions, outside the app factory."""
    return [
        found.where for found in imports if found.in_function and found.module not in FUNCTION_IMPORTS_ALLOWED
    ]


def test_every_package_is_declared_in_a_layer() -> None:
    packages = {package_of(module_name(path)) for path in ROOT.rglob("*.py")}
    assert packages - RANK.keys() == set()


def test_no_package_imports_a_higher_layer() -> None:
    assert layer_violations(all_imports()) == []


def test_no_cycle_between_packages() -> None:
    assert package_cycles(all_imports()) == []


def test_no_import_hides_inside_a_function() -> None:
    assert hidden_imports(all_imports()) == []


@pytest.mark.parametrize(
    ("module", "source", "check"),
    [
        ("voting.auth.models", "from voting.elections.models import Round\n", layer_violations),
        ("voting.auth.models", "def f():\n    from voting.elections import models\n", layer_violations),
        ("voting.auth.models", "if TYPE_CHECKING:\n    import voting.signing.models\n", layer_violations),
        (
            "voting.documents.services",
            "def f():\n    from voting.audit.services import record\n",
            hidden_imports,
        ),
    ],
)
def test_the_checks_catch_one_added_import(module: str, source: str, check: object) -> None:
    """One upward or hidden import added to today's code is reported."""
    assert callable(check)
    assert check(all_imports() + imports_of(module, source)) != []


def test_relative_imports_resolve_to_their_package() -> None:
    (found,) = imports_of("voting.auth", "from .models import User\n", is_package=True)
    assert found.target == "voting.auth.models"
    (found,) = imports_of("voting.auth.routes", "from ..elections import models\n")
    assert found.target == "voting.elections"


def test_the_cycle_check_catches_two_packages_importing_each_other() -> None:
    added = imports_of("voting.elections.services", "from voting.handovers.services import find_handover\n")
    assert package_cycles(all_imports() + added) != []
