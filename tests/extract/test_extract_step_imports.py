"""The pipeline's extract step works whatever loaded the extractor's modules before it."""

from __future__ import annotations

import subprocess
import sys

# ``postprocess.extract`` loads its names lazily, and its submodule ``postprocess.extract.extract``
# shares a name with the function ``extract``: once the submodule is imported, the package
# attribute ``extract`` is that module, and ``from postprocess.extract import extract`` gets it.
_SCRIPT = """
import postprocess.extract.extract
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


def test_invoice_extractor_after_the_submodule_was_imported() -> None:
    done = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "invoice"
