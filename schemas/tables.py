"""Tables as grids: cells with positions and spans, header rows, unique column names, provenance.

A :class:`Table` stores each cell once, at its anchor (top-left) position with its spans. The
expanded view (every grid position filled, a spanned cell's text repeated) and the records
(one dict per body row, keyed by :attr:`Table.columns`) are computed by ``postprocess.tables``.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from schemas.errors import ErrorRecord
from schemas.geometry import BBox


class HeaderRule(str, Enum):
    """How the header rows were found."""

    THEAD = "thead"  # rows inside <thead>
    TH = "th"  # leading rows made only of <th> cells
    HEURISTIC = "heuristic"  # first row: distinct non-numeric labels over typed or styled body
    NONE = "none"  # no header: columns are named col_1, col_2, ...


class TableKind(str, Enum):
    TABLE = "table"  # a <table> block
    CHART = "chart"  # the data table inside a div.chart block


class GridCell(BaseModel):
    """One cell at its anchor position (0-based row and column of the expanded grid)."""

    model_config = ConfigDict(frozen=True)

    row: int = Field(ge=0)
    col: int = Field(ge=0)
    row_span: int = Field(default=1, ge=1, description="Rows covered, clipped to the grid.")
    col_span: int = Field(default=1, ge=1, description="Columns covered, clipped to the grid.")
    text: str = ""
    header: bool = Field(default=False, description="The cell belongs to a header row or is <th>.")


class TableSource(BaseModel):
    """Where (part of) a table came from: one block on one page and the rows it holds."""

    model_config = ConfigDict(frozen=True)

    page: int | None = Field(default=None, ge=1, description="1-based page number.")
    block_id: str | None = None
    bbox: BBox | None = Field(default=None, description="The table block's box in the page frame.")
    row_start: int = Field(default=0, ge=0, description="First grid row taken from this source.")
    row_count: int = Field(default=0, ge=0, description="Grid rows taken from this source.")


class Table(BaseModel):
    """A table as a grid model with its provenance and the problems met while reading it."""

    id: str = Field(description="The block id of the (first) source, or a generated id.")
    kind: TableKind = TableKind.TABLE
    parent: str | None = Field(
        default=None,
        description="Id of the table in whose cell this one is nested (its text is also kept "
        "flattened in that cell).",
    )
    n_rows: int = Field(ge=0)
    n_cols: int = Field(ge=0)
    header_rows: int = Field(default=0, ge=0, description="Leading rows that form the header.")
    header_rule: HeaderRule = HeaderRule.NONE
    columns: list[str] = Field(
        default_factory=list,
        description="Unique column names: header texts per column, multi-row headers joined "
        "'Group / Sub', empty names 'col_N' (1-based), repeats suffixed '_2', '_3', ...",
    )
    cells: list[GridCell] = Field(default_factory=list)
    caption: str | None = None
    sources: list[TableSource] = Field(default_factory=list)
    errors: list[ErrorRecord] = Field(default_factory=list)

    @property
    def page(self) -> int | None:
        """Page of the first source."""
        return self.sources[0].page if self.sources else None

    @property
    def bbox(self) -> BBox | None:
        """Box of the first source (page frame)."""
        return self.sources[0].bbox if self.sources else None

    @property
    def body_rows(self) -> int:
        return self.n_rows - self.header_rows


_CELLS = TypeAdapter(list[GridCell])


def cells_from_dicts(cells: list[dict[str, Any]]) -> list[GridCell]:
    """Validate many cells in one call (much faster than one model at a time)."""
    return _CELLS.validate_python(cells)
