"""The curated public API of postprocess, and its layer rule (schemas, lxml, stdlib only)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import postprocess

EXPECTED = {
    "BBoxSyntaxError",
    "Degeneracy",
    "LoopKind",
    "detect_degeneracy",
    "Located",
    "fit_to_frame",
    "format_bbox",
    "locate_html",
    "parse_bbox",
    "parse_reply",
    "sanitize_html",
    "strip_fence",
    "to_page_box",
    "validate_reply",
}


def test_exported_members() -> None:
    assert set(postprocess.__all__) == EXPECTED
    assert len(postprocess.__all__) == len(EXPECTED)
    for name in postprocess.__all__:
        assert getattr(postprocess, name).__module__.startswith("postprocess."), name


def test_postprocess_imports_only_schemas_lxml_and_the_stdlib() -> None:
    package = Path(postprocess.__file__).parent
    allowed_roots = {"postprocess", "schemas", "lxml", "__future__"} | set(sys.stdlib_module_names)
    for module in package.rglob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]} if node.level == 0 else set()
            else:
                continue
            assert roots <= allowed_roots, f"{module.name} imports {roots - allowed_roots}"
