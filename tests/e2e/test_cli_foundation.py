"""End to end through the CLI: render, validate, inspect, schema on real files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest
from PIL import Image
from typer.testing import CliRunner

from docparse.cli import app
from schemas.resize import smart_resize

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "fixtures" / "corpus"
EXAMPLES = ROOT / "fixtures" / "qwenvl_examples"
ARTICLE = CORPUS / "report" / "two_column_article.pdf"
MULTIPAGE = CORPUS / "tables" / "inventory_multipage.pdf"

runner = CliRunner()


def _run(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def test_render_writes_model_input_pages_and_frames(tmp_path: Path) -> None:
    result = _run("render", MULTIPAGE, "-o", tmp_path, "--pages", "1,3")
    assert result.exit_code == 0, result.output
    meta = json.loads((tmp_path / "pages.json").read_text())
    assert [p["page"] for p in meta["pages"]] == [1, 3]
    for page in meta["pages"]:
        with Image.open(tmp_path / page["image"]) as im:
            assert im.size == (page["image_width"], page["image_height"])
            assert im.mode == "RGB"
        h, w = smart_resize(page["native_height"], page["native_width"])
        assert (page["image_width"], page["image_height"]) == (w, h)
        assert page["unit"] == "pt" and page["has_text_layer"] is True
    assert not (tmp_path / "page-0002.png").exists()
    assert not list(tmp_path.glob(".*.tmp")), "no temporary files left behind"


def test_render_budget_flags_change_the_raster(tmp_path: Path) -> None:
    small = 256 * 28 * 28
    result = _run(
        "render", ARTICLE, "-o", tmp_path, "--min-pixels", small, "--max-pixels", small
    )
    assert result.exit_code == 0, result.output
    page = json.loads((tmp_path / "pages.json").read_text())["pages"][0]
    assert page["image_width"] * page["image_height"] <= small
    assert (page["image_height"], page["image_width"]) == smart_resize(
        842, 595, min_pixels=small, max_pixels=small
    )


def test_bad_files_are_reported_and_good_ones_still_render(tmp_path: Path) -> None:
    bad_pdf = tmp_path / "in" / "not_really.pdf"
    empty = tmp_path / "in" / "empty.png"
    bad_pdf.parent.mkdir()
    bad_pdf.write_text("this is a text file with a .pdf name\n")
    empty.write_bytes(b"")
    good = tmp_path / "in" / "article.pdf"
    shutil.copy(ARTICLE, good)
    out = tmp_path / "out"
    result = _run("render", bad_pdf, empty, good, "-o", out)
    assert result.exit_code == 1
    assert "[unsupported_format]" in result.output and str(bad_pdf) in result.output
    assert "[empty_file]" in result.output and str(empty) in result.output
    assert (out / "article.pdf" / "page-0001.png").is_file()
    assert not (out / "not_really.pdf").exists()


def test_encrypted_pdf_needs_its_password(tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret page")
    locked = tmp_path / "locked.pdf"
    doc.save(
        locked,
        encryption=pymupdf.PDF_ENCRYPT_AES_256,
        user_pw="pw",
        owner_pw="owner",
        permissions=0,
    )
    denied = _run("render", locked, "-o", tmp_path / "a")
    assert denied.exit_code == 1 and "[encrypted_pdf]" in denied.output
    opened = _run("render", locked, "-o", tmp_path / "b", "--password", "pw")
    assert opened.exit_code == 0, opened.output
    assert (tmp_path / "b" / "page-0001.png").is_file()


def test_bad_page_spec_is_a_usage_error(tmp_path: Path) -> None:
    result = _run("render", ARTICLE, "-o", tmp_path, "--pages", "3-1")
    assert result.exit_code == 2
    assert "--pages" in result.output


def test_validate_exit_codes_and_json(tmp_path: Path) -> None:
    ok = _run(
        "validate", EXAMPLES / "a_report_page_fenced.html", "--image-size", "1008x1540"
    )
    assert ok.exit_code == 0 and "valid" in ok.output
    cut = _run(
        "validate",
        EXAMPLES / "b_report_page_truncated.html",
        "--image-size",
        "1008x1540",
        "--json",
    )
    assert cut.exit_code == 0
    report = json.loads(cut.output)
    assert report["verdict"] == "repaired" and report["truncated"] is True
    assert report["blocks"] == 11
    plain = tmp_path / "plain.html"
    plain.write_text(
        "<!DOCTYPE html><html><head><style>p{}</style></head><body><h1>Hi</h1></body></html>"
    )
    bad = _run("validate", plain, "--image-size", "1008x1540", "--json")
    assert bad.exit_code == 1
    assert json.loads(bad.output)["issues"][0]["code"] == "plain_html"
    assert _run("validate", plain, "--image-size", "1008").exit_code == 2


def test_inspect_draws_boxes_on_the_model_input_image(tmp_path: Path) -> None:
    out = tmp_path / "overlay.png"
    gt = CORPUS / "report" / "two_column_article.gt" / "page-0001.html"
    result = _run("inspect", ARTICLE, "--html", gt, "--frame", "page", "-o", out)
    assert result.exit_code == 0, result.output
    rendered = tmp_path / "r"
    assert _run("render", ARTICLE, "-o", rendered).exit_code == 0
    with Image.open(out) as overlay, Image.open(rendered / "page-0001.png") as page:
        assert overlay.size == page.size
        # Box outlines change pixels; the white margin far from any block does not.
        assert overlay.getpixel((2, 2)) == page.getpixel((2, 2))
        changed = sum(
            1
            for x in range(0, page.width, 7)
            for y in range(0, page.height, 7)
            if overlay.getpixel((x, y)) != page.getpixel((x, y))
        )
        assert changed > 500


def test_inspect_missing_page_fails_cleanly(tmp_path: Path) -> None:
    gt = CORPUS / "report" / "two_column_article.gt" / "page-0001.html"
    result = _run(
        "inspect", ARTICLE, "--html", gt, "--page", "9", "-o", tmp_path / "x.png"
    )
    assert result.exit_code == 1
    assert "[page_out_of_range]" in result.output
    assert not (tmp_path / "x.png").exists()


def test_schema_command(tmp_path: Path) -> None:
    result = _run("schema", "document")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "DocumentResult" and "pages" in schema["properties"]
    assert _run("schema", "nope").exit_code == 2


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).with_name("docparse")
    if not exe.exists():
        pytest.fail(
            f"console script missing at {exe}: install the package (pip install -e .)"
        )
    proc = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    for command in ("render", "validate", "inspect", "schema"):
        assert command in proc.stdout
