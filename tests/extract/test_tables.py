"""Tables as grids: spans, header rules, broken tables, charts, records, CSV, multi-page join."""

from __future__ import annotations

import csv
import io

import pytest

from postprocess.tables import (
    expand_grid,
    join_tables,
    parse_table,
    table_records,
    table_to_csv,
    tables_from_blocks,
)
from schemas.blocks import BlockKind
from schemas.errors import ErrorCode
from schemas.tables import HeaderRule, Table, TableKind
from tests.extract.support import blocks_from_html, document_pages, page_blocks


def one(html: str) -> Table:
    tables = parse_table(html)
    assert tables, "no table parsed"
    return tables[0]


def codes(table: Table) -> list[ErrorCode]:
    return [e.code for e in table.errors]


# --- spans and multi-row headers (fixture: tables/spanned_headers) -----------------------------


@pytest.fixture(scope="module")
def spanned() -> list[Table]:
    return tables_from_blocks(page_blocks("tables/spanned_headers"), page_number=1)


def test_multi_row_thead_names_columns_group_slash_sub(spanned: list[Table]) -> None:
    sales, staff = spanned
    assert (sales.header_rows, sales.header_rule) == (2, HeaderRule.THEAD)
    assert sales.columns == [
        "Country",
        "Region",
        "2023 / H1",
        "2023 / H2",
        "2024 / H1",
        "2024 / H2",
    ]
    assert staff.columns == ["Site", "Staff / Full-time", "Staff / Part-time", "Opened"]
    assert (sales.n_rows, sales.n_cols) == (9, 6) and not sales.errors


def test_spanned_cells_keep_their_spans_and_header_flags(spanned: list[Table]) -> None:
    sales = spanned[0]
    by_pos = {(c.row, c.col): c for c in sales.cells}
    assert (by_pos[(0, 0)].row_span, by_pos[(0, 2)].col_span) == (2, 2)
    assert by_pos[(2, 0)].text == "Germany" and by_pos[(2, 0)].row_span == 3
    assert by_pos[(8, 0)].col_span == 2 and by_pos[(8, 0)].text == "Total"
    assert all(c.header == (c.row < 2) for c in sales.cells)
    assert (1, 0) not in by_pos  # covered by the rowspan, not a cell of its own


def test_records_expand_spans(spanned: list[Table]) -> None:
    records = table_records(spanned[0])
    assert len(records) == 7
    assert [r["Country"] for r in records[:3]] == ["Germany"] * 3
    assert records[3] == {
        "Country": "France",
        "Region": "Île-de-France",
        "2023 / H1": "1,845",
        "2023 / H2": "1,902",
        "2024 / H1": "1,933",
        "2024 / H2": "2,011",
    }
    assert records[-1]["Country"] == records[-1]["Region"] == "Total"


def test_provenance_is_the_block_on_its_page(spanned: list[Table]) -> None:
    sales = spanned[0]
    assert (
        sales.page == 1 and sales.id == sales.sources[0].block_id == "tables/spanned_headers/p1/b4"
    )
    assert sales.bbox is not None and sales.bbox.as_tuple() == (55, 169, 540, 351)


def test_csv_round_trips_through_the_csv_reader(spanned: list[Table]) -> None:
    sales = spanned[0]
    rows = list(csv.reader(io.StringIO(table_to_csv(sales))))
    assert rows[0] == sales.columns
    assert rows[1:] == expand_grid(sales)[2:]
    assert rows[1][2] == "1,204"  # quoted, not split
    assert next(csv.reader(io.StringIO(table_to_csv(sales, header=False))))[0] == "Germany"


# --- header rules ------------------------------------------------------------------------------


def test_th_row_without_thead_is_a_header() -> None:
    table = one("<table><tr><th>Name</th><th>Qty</th></tr><tr><td>Bolt</td><td>4</td></tr></table>")
    assert (table.header_rows, table.header_rule, table.columns) == (
        1,
        HeaderRule.TH,
        ["Name", "Qty"],
    )


def test_first_row_heuristic_over_a_numeric_column() -> None:
    table = one(
        "<table><tr><td>Item</td><td>Price</td></tr><tr><td>Pen</td><td>1.50</td></tr>"
        "<tr><td>Ink</td><td>£3.00</td></tr></table>"
    )
    assert (table.header_rule, table.columns) == (HeaderRule.HEURISTIC, ["Item", "Price"])
    assert table_records(table) == [
        {"Item": "Pen", "Price": "1.50"},
        {"Item": "Ink", "Price": "£3.00"},
    ]


def test_first_row_heuristic_by_bold_styling() -> None:
    table = one(
        "<table><tr><td><b>Name</b></td><td><strong>City</strong></td></tr>"
        "<tr><td>Ann</td><td>Oslo</td></tr></table>"
    )
    assert (table.header_rule, table.columns) == (HeaderRule.HEURISTIC, ["Name", "City"])


def test_label_value_table_has_no_header() -> None:
    (table,) = tables_from_blocks(page_blocks("forms/parking_permit_application"), page_number=1)
    assert (table.header_rule, table.header_rows, table.columns) == (
        HeaderRule.NONE,
        0,
        ["col_1", "col_2"],
    )
    assert table_records(table)[0] == {"col_1": "Make", "col_2": "Toyota"}


def test_duplicate_and_empty_header_names_are_made_unique() -> None:
    table = one(
        "<table><thead><tr><th></th><th>Amount</th><th>Amount</th><th>Amount_2</th>"
        "</tr></thead><tbody><tr><td>a</td><td>1</td><td>2</td><td>3</td></tr></tbody></table>"
    )
    assert table.columns == ["col_1", "Amount", "Amount_3", "Amount_2"]
    assert table_records(table) == [{"col_1": "a", "Amount": "1", "Amount_3": "2", "Amount_2": "3"}]


# --- broken tables: best grid plus warnings, never an exception ----------------------------------


def test_ragged_rows_are_padded() -> None:
    table = one(
        "<table><tr><th>a</th><th>b</th><th>c</th></tr><tr><td>1</td></tr>"
        "<tr><td>4</td><td>5</td><td>6</td></tr></table>"
    )
    assert (table.n_rows, table.n_cols) == (3, 3)
    assert codes(table) == [ErrorCode.TABLE_RAGGED]
    assert "row 2 fills 1 of 3" in table.errors[0].message
    assert table_records(table)[0] == {"a": "1", "b": "", "c": ""}


def test_a_row_with_an_extra_cell_widens_the_grid() -> None:
    table = one(
        "<table><tr><td>1</td><td>2</td></tr><tr><td>3</td><td>4</td><td>5</td></tr></table>"
    )
    assert table.n_cols == 3 and codes(table) == [ErrorCode.TABLE_RAGGED]
    assert expand_grid(table) == [["1", "2", ""], ["3", "4", "5"]]


def test_spans_beyond_the_grid_are_clipped() -> None:
    table = one(
        "<table><tr><th>a</th><th>b</th><th>c</th></tr>"
        "<tr><td rowspan='7'>x</td><td colspan='10'>wide</td></tr>"
        "<tr><td>y</td><td>z</td></tr></table>"
    )
    assert (table.n_rows, table.n_cols) == (3, 3)
    assert codes(table).count(ErrorCode.TABLE_SPAN_OVERFLOW) == 2
    x = next(c for c in table.cells if c.text == "x")
    wide = next(c for c in table.cells if c.text == "wide")
    assert (x.row_span, wide.col_span) == (2, 2)
    assert expand_grid(table)[2] == ["x", "y", "z"]


def test_overlapping_spans_are_reported_and_the_first_cell_kept() -> None:
    table = one(
        "<table><tr><td>a</td><td rowspan='2'>b</td></tr><tr><td colspan='2'>c</td></tr></table>"
    )
    assert codes(table) == [ErrorCode.TABLE_SPAN_OVERFLOW]
    assert "overlap" in table.errors[0].message
    assert expand_grid(table) == [["a", "b"], ["c", "b"]]


def test_nested_table_is_flattened_into_its_cell_and_kept_apart() -> None:
    outer, inner = parse_table(
        "<table><tr><th>Item</th><th>Parts</th></tr><tr><td>Kit</td><td>"
        "<table><tr><td>bolt</td><td>nut</td></tr><tr><td>washer</td><td>pin</td></tr></table>"
        "</td></tr></table>",
        table_id="t",
    )
    assert (outer.n_rows, outer.n_cols) == (2, 2)
    assert codes(outer) == [ErrorCode.TABLE_NESTED]
    assert table_records(outer) == [{"Item": "Kit", "Parts": "bolt nut washer pin"}]
    assert (inner.parent, inner.id, inner.n_rows, inner.n_cols) == ("t", "t/t1", 2, 2)


def test_unreadable_spans_and_empty_tables() -> None:
    table = one("<table><tr><td colspan='abc' rowspan='-3'>a</td><td>b</td></tr></table>")
    assert expand_grid(table) == [["a", "b"]] and not table.errors
    empty = one("<table></table>")
    assert (empty.n_rows, empty.n_cols, codes(empty)) == (0, 0, [ErrorCode.TABLE_EMPTY])
    assert table_records(empty) == [] and table_to_csv(empty) == "\r\n"
    assert parse_table("<p>no table</p>") == []


# --- QwenVL shapes: <style> sibling, chart data table ---------------------------------------------


def test_style_sibling_and_class_are_ignored() -> None:
    html = (
        "<html><body><style>.table1 td {border: 1px}</style>"
        '<table class="table1" data-bbox="10 10 200 60"><tr><th>k</th><th>v</th></tr>'
        "<tr><td>a</td><td>1</td></tr></table></body></html>"
    )
    (table,) = tables_from_blocks(blocks_from_html(html, 300, 300), page_number=1)
    assert table.columns == ["k", "v"] and table_records(table) == [{"k": "a", "v": "1"}]
    assert one(
        '<style>td{}</style><table class="t"><tr><th>k</th></tr><tr><td>1</td></tr></table>'
    ).columns == ["k"]


def test_caption_is_the_tables_own_first_caption() -> None:
    outer, inner = parse_table(
        "<table><caption> Unit   prices </caption><caption>second</caption>"
        "<tr><th>k</th></tr><tr><td><table><caption>inner</caption><tr><td>1</td></tr>"
        "</table></td></tr></table>"
    )
    assert outer.caption == "Unit prices" and inner.caption == "inner"
    assert one("<table><tr><td>1</td></tr></table>").caption is None


def test_chart_data_table_inside_div_chart() -> None:
    html = (
        '<html><body><div class="chart" data-bbox="20 20 400 300"><img data-bbox="20 20 400 300"/>'
        "<table><thead><tr><th>Year</th><th>Revenue</th></tr></thead><tbody>"
        "<tr><td>2023</td><td>12.5</td></tr><tr><td>2024</td><td>14.1</td></tr></tbody></table>"
        "</div></body></html>"
    )
    blocks = blocks_from_html(html, 500, 500, "px")
    assert blocks[0].kind is BlockKind.CHART
    (table,) = tables_from_blocks(blocks, page_number=1)
    assert table.kind is TableKind.CHART and table.bbox is not None
    assert table_records(table) == [
        {"Year": "2023", "Revenue": "12.5"},
        {"Year": "2024", "Revenue": "14.1"},
    ]


# --- multi-page join ---------------------------------------------------------------------------


@pytest.mark.parametrize("doc_id", ["tables/inventory_multipage", "scans/inventory_multipage_scan"])
def test_inventory_over_three_pages_joins_into_one_table(doc_id: str) -> None:
    per_page = [
        tables_from_blocks(blocks, page_number=n)
        for n, blocks in enumerate(document_pages(doc_id), start=1)
    ]
    assert [len(t) for t in per_page] == [1, 1, 1]
    parts = [t for page in per_page for t in page]
    (joined,) = join_tables(parts)
    records = table_records(joined)
    assert len(records) == 84  # "Items: 84" under the table on page 3
    assert [r["Item no."] for r in records] == [f"SP-{10001 + i}" for i in range(84)]
    assert joined.columns == parts[0].columns and joined.header_rows == 1
    assert [s.page for s in joined.sources] == [1, 2, 3]
    starts = [s.row_start for s in joined.sources]
    counts = [s.row_count for s in joined.sources]
    assert starts == [0, counts[0], counts[0] + counts[1]] and sum(counts) == joined.n_rows
    assert not any(c.header for c in joined.cells if c.row >= 1)


def test_join_needs_the_next_page_and_the_same_header() -> None:
    parts = [
        t
        for n, blocks in enumerate(document_pages("tables/inventory_multipage"), start=1)
        for t in tables_from_blocks(blocks, page_number=n)
    ]
    assert len(join_tables([parts[0], parts[2]])) == 2  # page 1 then page 3: a gap
    renamed = parts[1].model_copy(update={"columns": ["a", "b", "c", "d", "e", "f"]})
    assert len(join_tables([parts[0], renamed])) == 2


def test_headerless_continuation_joins_only_when_asked() -> None:
    first = parse_table(
        "<table><tr><th>k</th><th>v</th></tr><tr><td>a</td><td>1</td></tr></table>", page=1
    )[0]
    rest = parse_table("<table><tr><td>b</td><td>2</td></tr></table>", page=2)[0]
    assert len(join_tables([first, rest])) == 2
    (joined,) = join_tables([first, rest], headerless=True)
    assert table_records(joined) == [{"k": "a", "v": "1"}, {"k": "b", "v": "2"}]
