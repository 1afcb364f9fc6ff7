"""HTML plumbing: table extraction, page text, the span-expanded grid, table normalisation."""

from __future__ import annotations

from docparse.evaluate import extract_tables, normalize_table_html
from docparse.evaluate.htmltables import page_text_from_html, parse_html, span, table_grid


def _grid(html: str):
    root = parse_html(html)
    assert root is not None
    return table_grid(next(root.iter("table")))


def test_extract_tables_keeps_outermost_tables_only() -> None:
    page = (
        "<html><body><p>x</p>"
        "<table><tr><td><table><tr><td>inner</td></tr></table></td></tr></table>"
        "<table><tr><td>second</td></tr></table></body></html>"
    )
    tables = extract_tables(page)
    assert len(tables) == 2
    assert "inner" in tables[0] and tables[1].startswith("<table>")
    assert extract_tables("") == [] and extract_tables("<p>none</p>") == []


def test_page_text_one_line_per_block_without_style() -> None:
    page = (
        "<html><body><style>p{color:red}</style><h1>Title</h1>"
        "<p>line<br>break</p><table><tr><td>a</td><td>b</td></tr></table></body></html>"
    )
    lines = page_text_from_html(page).split("\n")
    assert lines[0] == "Title"
    assert lines[1] == "line break"
    assert lines[2].split() == ["a", "b"]


def test_grid_pushes_cells_right_of_a_rowspan() -> None:
    grid = _grid(
        "<table><tr><td rowspan='2'>A</td><td>B</td><td>C</td></tr>"
        "<tr><td>D</td><td>E</td></tr></table>"
    )
    # row 1: slot (1, 0) is taken by A, so D lands at column 1 and E at column 2
    assert grid.at(1, 0).text == "A"
    assert (grid.at(1, 1).text, grid.at(1, 2).text) == ("D", "E")


def test_grid_colspan_and_headers() -> None:
    grid = _grid(
        "<table><thead><tr><th colspan='2'>H</th></tr></thead>"
        "<tr><td>a</td><td>b</td></tr><tr><th>r</th><td>c</td></tr></table>"
    )
    assert grid.at(0, 0) is grid.at(0, 1)
    assert grid.header_rows == {0}  # thead row; row 2 mixes th and td
    assert grid.at(2, 0).header and not grid.at(2, 1).header


def test_rowspan_past_the_last_row_is_clipped() -> None:
    grid = _grid("<table><tr><td rowspan='5'>A</td><td>B</td></tr></table>")
    assert grid.cells[0].rowspan == 1 and grid.at(1, 0) is None


def test_span_values() -> None:
    root = parse_html("<table><tr><td colspan='3px' rowspan='x'>a</td><td colspan='0'>b</td></tr>")
    cells = list(root.iter("td"))
    assert span(cells[0], "colspan") == 3 and span(cells[0], "rowspan") == 1
    assert span(cells[1], "colspan") == 1


def test_normalize_table_html_follows_omnidocbench() -> None:
    html = (
        '<table class="t"><thead><tr><th style="x">Na\u00a0 me</th></tr></thead>'
        "<tbody><tr><td> <b> bold </b> tail </td></tr></tbody></table>"
    )
    assert normalize_table_html(html) == (
        "<table><tr><td>Na me</td></tr><tr><td><b>bold </b> tail</td></tr></table>"
    )
