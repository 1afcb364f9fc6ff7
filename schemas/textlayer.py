"""A page's text layer as plain data: what the ``textlayer`` engine builds QwenVL HTML from.

Engines never see files, so the render stage reads a born-digital PDF page's text, tables and
figures into these records (``RenderedPage.text_layer``) and the engine turns them into HTML.
Every box is in the PAGE frame: PDF points, origin at the top-left of the page as displayed
(its /Rotate applied), y down. Text boxes are ink boxes where the PDF library can tell (glyph
outlines), else the glyph cells. Picklable pydantic records, no library handles.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.geometry import BBox


class TextSpan(BaseModel):
    """A run of text in one font, size and style, as printed (spacing kept)."""

    model_config = ConfigDict(frozen=True)

    text: str
    bbox: BBox
    size: float = Field(ge=0, description="Font size in points.")
    bold: bool = False
    italic: bool = False
    font: str = Field(default="", description="Font name as the PDF names it (subset tag dropped).")


class TextLine(BaseModel):
    """Spans on one baseline, in reading order."""

    model_config = ConfigDict(frozen=True)

    spans: list[TextSpan] = Field(min_length=1)
    bbox: BBox

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)


class TextBlock(BaseModel):
    """A block of lines the PDF library grouped together (a paragraph, a heading, a label)."""

    model_config = ConfigDict(frozen=True)

    lines: list[TextLine] = Field(min_length=1)
    bbox: BBox

    @property
    def text(self) -> str:
        """The lines joined with single spaces, whitespace runs collapsed (hyphens kept)."""
        return " ".join(" ".join(line.text.split()) for line in self.lines).strip()


class TableCell(BaseModel):
    """One cell of a table grid; a spanned cell covers ``row_span x col_span`` grid positions."""

    model_config = ConfigDict(frozen=True)

    row: int = Field(ge=0, description="0-based grid row of the cell's top-left position.")
    col: int = Field(ge=0, description="0-based grid column of the cell's top-left position.")
    row_span: int = Field(default=1, ge=1)
    col_span: int = Field(default=1, ge=1)
    text: str = Field(default="", description="The cell's text, whitespace collapsed.")
    bbox: BBox | None = Field(default=None, description="The cell's area on the page.")
    header: bool = Field(default=False, description="A header cell (th).")


class TableRegion(BaseModel):
    """A table: its grid, its cells and how many leading rows are header rows."""

    model_config = ConfigDict(frozen=True)

    bbox: BBox = Field(description="Ink box of the table: rules, shading and text.")
    n_rows: int = Field(ge=1)
    n_cols: int = Field(ge=1)
    cells: list[TableCell] = Field(default_factory=list, description="In row-major order.")
    header_rows: int = Field(default=0, ge=0, description="Leading rows that form the thead.")

    @model_validator(mode="after")
    def _grid(self) -> TableRegion:
        if self.header_rows > self.n_rows:
            raise ValueError(f"{self.header_rows} header rows in a {self.n_rows}-row table")
        taken: set[tuple[int, int]] = set()
        for cell in self.cells:
            if cell.row + cell.row_span > self.n_rows or cell.col + cell.col_span > self.n_cols:
                raise ValueError(
                    f"cell at ({cell.row}, {cell.col}) spanning {cell.row_span}x{cell.col_span} "
                    f"leaves the {self.n_rows}x{self.n_cols} grid"
                )
            covered = {
                (r, c)
                for r in range(cell.row, cell.row + cell.row_span)
                for c in range(cell.col, cell.col + cell.col_span)
            }
            if covered & taken:
                raise ValueError(f"cell at ({cell.row}, {cell.col}) overlaps another cell")
            taken |= covered
        return self

    @property
    def text(self) -> str:
        """Cell texts in row-major order, joined with spaces."""
        return " ".join(cell.text for cell in self.cells if cell.text)


class ImageRegion(BaseModel):
    """A figure: an embedded raster image or a cluster of vector graphics (not table rules)."""

    model_config = ConfigDict(frozen=True)

    bbox: BBox
    vector: bool = Field(default=False, description="Drawn with vector graphics, not a raster.")


class TextLayer(BaseModel):
    """Everything the text layer of one page holds, in the page frame."""

    model_config = ConfigDict(frozen=True)

    blocks: list[TextBlock] = Field(
        default_factory=list, description="Text outside tables, in the PDF library's order."
    )
    tables: list[TableRegion] = Field(default_factory=list)
    images: list[ImageRegion] = Field(default_factory=list)
    body_font_size: float = Field(
        ge=0, description="The most common font size of the page's running text, in points."
    )

    @property
    def is_empty(self) -> bool:
        """No text at all: no block and no table cell holds a character."""
        return not self.blocks and not any(cell.text for t in self.tables for cell in t.cells)
