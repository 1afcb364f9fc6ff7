"""The extractor's public names are the functions whatever was imported before them.

``postprocess.extract`` loads its names lazily (a module ``__getattr__``). A submodule that
shares a name with one of them would shadow it once imported: importing ``postprocess.extract.X``
sets the package attribute ``X`` to the module, and ``__getattr__`` is never asked again. The
function ``extract`` once lived in a submodule ``extract`` and came back as a module.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import postprocess.extract as package

_SCRIPT = """
import importlib, pkgutil, types
import postprocess.extract as package
for info in pkgutil.iter_modules(package.__path__):
    importlib.import_module(f"postprocess.extract.{info.name}")
from postprocess.extract import extract, extract_document, resolve_schema
assert not any(isinstance(f, types.ModuleType) for f in (extract, extract_document, resolve_schema))
from pipelines.extract_step import make_extractor
from schemas.results import DocumentResult, PageResult, Status

doc = DocumentResult(
    doc_id="d",
    source="d.pdf",
    status=Status.OK,
    page_count=1,
    pages=[PageResult(page_number=1, status=Status.OK, blocks=[])],
)
print(make_extractor("invoice")(doc)["schema_name"])
"""


def test_no_submodule_shares_a_name_with_an_exported_name() -> None:
    submodules = {info.name for info in pkgutil.iter_modules(package.__path__)}
    assert submodules & set(package.__all__) == set()


def test_invoice_extractor_after_every_submodule_was_imported() -> None:
    # a fresh interpreter: the import order is the point, and this one has imported much already
    done = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "invoice"
