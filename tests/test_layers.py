"""The layers of `bot/` as the README's "How it is built" draws them: each imports only the layers below it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What each layer may import besides itself (standard library and third-party packages aside).
ALLOWED = {
    "core": set(),
    "store": {"core"},
    "aws": {"core", "store"},
    "slack": {"core"},
    "usecases": {"core", "store", "aws", "slack"},
    "alerts": {"core", "store", "aws", "slack", "usecases"},
}


def _imported_layers(path: Path) -> set[str]:
    layers = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "handlers":
                layers.add("handlers")
            elif parts[0] == "bot" and len(parts) > 1:
                layers.add(parts[1])
    return layers


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_only_the_layers_below_it(layer: str) -> None:
    crossings = {
        f"{path.relative_to(ROOT)} imports {', '.join(sorted(found))}"
        for path in sorted((ROOT / "bot" / layer).glob("*.py"))
        if (found := _imported_layers(path) - ALLOWED[layer] - {layer})
    }
    assert crossings == set()
