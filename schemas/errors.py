"""One tree of typed exceptions, one stable ``ErrorCode`` enum, and error records as data.

Codes are part of the public contract (they appear in manifests and JSON outputs): add new ones,
never rename or reuse old ones. Exceptions carry the same codes so a caught exception turns into
an :class:`ErrorRecord` without losing anything.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class ErrorCode(str, Enum):
    # --- input / reading
    FILE_NOT_FOUND = "file_not_found"
    READ_FAILED = "read_failed"
    EMPTY_FILE = "empty_file"
    UNSUPPORTED_FORMAT = "unsupported_format"
    CORRUPT_PDF = "corrupt_pdf"
    ENCRYPTED_PDF = "encrypted_pdf"
    WRONG_PASSWORD = "wrong_password"
    CORRUPT_IMAGE = "corrupt_image"
    DECOMPRESSION_BOMB = "decompression_bomb"
    # --- pages / rendering
    INVALID_PAGE_SPEC = "invalid_page_spec"
    PAGE_OUT_OF_RANGE = "page_out_of_range"
    ASPECT_RATIO = "aspect_ratio"
    RENDER_FAILED = "render_failed"
    # --- model reply (QwenVL HTML)
    EMPTY_REPLY = "empty_reply"
    REPLY_TOO_LARGE = "reply_too_large"
    NOT_QWENVL_HTML = "not_qwenvl_html"
    PLAIN_HTML = "plain_html"
    MALFORMED_HTML = "malformed_html"
    TRUNCATED = "truncated"
    BAD_BBOX = "bad_bbox"
    BBOX_OUT_OF_FRAME = "bbox_out_of_frame"
    BBOX_CLAMPED = "bbox_clamped"
    BBOX_SWAPPED = "bbox_swapped"
    MISSING_BBOX = "missing_bbox"
    ORPHAN_BBOX = "orphan_bbox"
    UNKNOWN_TAG = "unknown_tag"
    UNSAFE_CONTENT = "unsafe_content"
    TEXT_OUTSIDE_BLOCK = "text_outside_block"
    # --- engines and attempts
    ENGINE_UNAVAILABLE = "engine_unavailable"
    ENGINE_TIMEOUT = "engine_timeout"
    ENGINE_ERROR = "engine_error"
    DEGENERATE_OUTPUT = "degenerate_output"
    NO_TEXT_LAYER = "no_text_layer"
    ATTEMPTS_EXHAUSTED = "attempts_exhausted"
    # --- extraction: tables, forms, schema-driven fields
    TABLE_RAGGED = "table_ragged"  # rows of unequal width: padded to the grid
    TABLE_SPAN_OVERFLOW = "table_span_overflow"  # a rowspan/colspan beyond the grid: clipped
    TABLE_NESTED = "table_nested"  # a table inside a cell: flattened into the cell's text
    TABLE_EMPTY = "table_empty"  # a table element without any cell
    SCHEMA_INVALID = "schema_invalid"  # a user schema that cannot drive extraction
    FIELD_MISSING = "field_missing"  # a schema field found nowhere on the document
    FIELD_INVALID = "field_invalid"  # a value found but not of the field's type / not valid
    FIELD_CONFLICT = "field_conflict"  # equally good candidates disagree; the first one kept
    CHECK_FAILED = "check_failed"  # an arithmetic cross-check outside its tolerance
    # --- outputs
    WRITE_FAILED = "write_failed"
    # --- catch-all for bugs: never expected, always reported
    INTERNAL = "internal"


class ErrorRecord(BaseModel):
    """An error, warning or note as data: what went wrong, where, how badly."""

    model_config = ConfigDict(frozen=True)

    code: ErrorCode
    message: str
    severity: Severity = Severity.ERROR
    file: str | None = None
    page: int | None = None  # 1-based page number
    path: str | None = None  # element path in the model's HTML, e.g. /html/body/p[3]

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                self.file,
                f"page {self.page}" if self.page is not None else None,
                self.path,
            )
            if part
        )
        return f"[{self.code.value}] {self.message}" + (f" ({where})" if where else "")


class DocparseError(Exception):
    """Base of every error docparse raises on purpose. Carries a stable code and a location."""

    code: ErrorCode = ErrorCode.INTERNAL

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode | None = None,
        file: str | None = None,
        page: int | None = None,
    ) -> None:
        self.message = message
        if code is not None:
            self.code = code
        self.file = file
        self.page = page
        super().__init__(str(self.record()))

    def record(self, severity: Severity = Severity.ERROR) -> ErrorRecord:
        return ErrorRecord(
            code=self.code, message=self.message, severity=severity, file=self.file, page=self.page
        )


class InputError(DocparseError):
    """The input file cannot be read as a document (missing, empty, corrupt, encrypted, ...)."""

    code = ErrorCode.READ_FAILED


class RenderError(DocparseError):
    """A page could not be rendered within the pixel budget."""

    code = ErrorCode.RENDER_FAILED


class OptionsError(DocparseError):
    """Invalid options (a bad page spec, an inconsistent pixel budget, ...)."""

    code = ErrorCode.INVALID_PAGE_SPEC


class ReplyError(DocparseError):
    """The model's reply is unusable as QwenVL HTML."""

    code = ErrorCode.NOT_QWENVL_HTML


class EngineError(DocparseError):
    """An engine could not produce a reply (unreachable, timed out, misconfigured)."""

    code = ErrorCode.ENGINE_ERROR


class OutputError(DocparseError):
    """An output could not be written."""

    code = ErrorCode.WRITE_FAILED
