"""One pydantic options tree. Each component receives only its own section.

Defaults are named constants so docs, CLI help and tests quote the same numbers.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas.engine import ModelSpec
from schemas.errors import ErrorCode, OptionsError
from schemas.resize import DEFAULT_MAX_PIXELS, DEFAULT_MIN_PIXELS, FACTOR

#: Largest source image we decode, in pixels (a decompression-bomb guard; ~13k x 13k). Equal to
#: Pillow's own hard limit (2 x Image.MAX_IMAGE_PIXELS), past which it refuses to decode anyway:
#: one cap, one message. A 300 dpi A0 scan (~9.9k x 14k, 139 MP) is within it.
DEFAULT_MAX_SOURCE_PIXELS = 178_956_970
#: Largest model reply we parse, in bytes (a 16k-token reply is well under 200 kB).
DEFAULT_MAX_REPLY_BYTES = 2_000_000
#: Boxes overshooting the frame by at most this share of its size are clamped, not rejected.
DEFAULT_BBOX_TOLERANCE = 0.02


class PageSelection(BaseModel):
    """A set of 1-based page numbers, parsed from a spec like ``1-3,7,10-``."""

    model_config = ConfigDict(frozen=True)

    spec: str = ""

    @field_validator("spec")
    @classmethod
    def _check(cls, v: str) -> str:
        cls.parse(v)
        return v

    @staticmethod
    def parse(spec: str) -> list[tuple[int, int | None]]:
        """``"1-3,7,10-"`` -> ``[(1, 3), (7, 7), (10, None)]``. Empty spec means all pages."""
        ranges: list[tuple[int, int | None]] = []
        for part in (p.strip() for p in spec.split(",")):
            if not part:
                continue
            lo_s, sep, hi_s = part.partition("-")
            try:
                lo = int(lo_s) if lo_s.strip() else 1
                hi = (int(hi_s) if hi_s.strip() else None) if sep else lo
            except ValueError:
                raise OptionsError(
                    f"bad page spec {spec!r}: {part!r} is not N or N-M",
                    code=ErrorCode.INVALID_PAGE_SPEC,
                ) from None
            if lo < 1 or (hi is not None and hi < lo):
                raise OptionsError(
                    f"bad page spec {spec!r}: {part!r} (pages are 1-based, ranges ascending)",
                    code=ErrorCode.INVALID_PAGE_SPEC,
                )
            ranges.append((lo, hi))
        return ranges

    def indices(self, page_count: int) -> list[int]:
        """0-based page indices selected in a document of ``page_count`` pages, in order."""
        ranges = self.parse(self.spec)
        if not ranges:
            return list(range(page_count))
        chosen: set[int] = set()
        for lo, hi in ranges:
            chosen.update(range(lo - 1, min(hi if hi is not None else page_count, page_count)))
        return sorted(chosen)


class RenderOptions(BaseModel):
    """How pages become model-input images."""

    model_config = ConfigDict(frozen=True)

    min_pixels: int = Field(default=DEFAULT_MIN_PIXELS, gt=0, description="smart_resize min_pixels.")
    max_pixels: int = Field(default=DEFAULT_MAX_PIXELS, gt=0, description="smart_resize max_pixels.")
    pages: PageSelection = Field(default_factory=PageSelection, description="Pages to render.")
    password: str | None = Field(default=None, description="Password for encrypted PDFs.", repr=False)
    max_source_pixels: int = Field(
        default=DEFAULT_MAX_SOURCE_PIXELS, gt=0, description="Decompression-bomb guard for images."
    )
    encode_png: bool = Field(
        default=True, description="Ship PNG bytes (HTTP engines); False ships raw RGB pixels."
    )
    extract_text_layer: bool = Field(
        default=False,
        description="Also read each PDF page's text layer (text, tables, figures) into "
        "RenderedPage.text_layer, for the textlayer engine and its fallback. Costs tens of "
        "milliseconds per page; images never have one.",
    )

    @model_validator(mode="after")
    def _budget(self) -> "RenderOptions":
        if self.min_pixels > self.max_pixels:
            raise ValueError(f"min_pixels {self.min_pixels} > max_pixels {self.max_pixels}")
        if self.max_pixels < FACTOR * FACTOR:
            raise ValueError(f"max_pixels must be at least {FACTOR * FACTOR}")
        return self


class PostprocessOptions(BaseModel):
    """How model replies are parsed, repaired and validated."""

    model_config = ConfigDict(frozen=True)

    max_reply_bytes: int = Field(default=DEFAULT_MAX_REPLY_BYTES, gt=0)
    bbox_tolerance: float = Field(
        default=DEFAULT_BBOX_TOLERANCE,
        ge=0,
        description="Overshoot (share of frame size) clamped with a warning instead of an error.",
    )


class AttemptOptions(BaseModel):
    """The page attempt policy: what happens after the model's attempts (the temperature ladder
    itself is part of the ModelSpec: what to ask)."""

    model_config = ConfigDict(frozen=True)

    fallback_to_textlayer: bool = Field(
        default=True,
        description="When every model attempt failed, build the page from the PDF text layer "
        "(pages with one only); the page is then ok with source textlayer-fallback and the "
        "document partial.",
    )


class S3Options(BaseModel):
    """How to reach S3 or an S3-compatible store (MinIO, Ceph, R2, ...).

    Credentials are never options: they come from the standard AWS chain (``AWS_ACCESS_KEY_ID``,
    ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``, ``~/.aws``, instance metadata).
    """

    model_config = ConfigDict(frozen=True)

    endpoint_url: str | None = Field(
        default=None,
        description="Endpoint of an S3-compatible store, e.g. http://127.0.0.1:9000. Default: "
        "AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, then AWS itself.",
    )
    region: str | None = Field(
        default=None, description="Region. Default: AWS_REGION, then AWS_DEFAULT_REGION."
    )
    anonymous: bool = Field(
        default=False, description="Connect without credentials (public buckets)."
    )
    connect_timeout_s: float | None = Field(
        default=None, gt=0, description="Socket connect timeout; None: the AWS SDK default."
    )
    request_timeout_s: float | None = Field(
        default=None, gt=0, description="Socket read timeout; None: the AWS SDK default."
    )


class StorageOptions(BaseModel):
    """Where bytes live: local paths need nothing, ``s3://`` URIs use :class:`S3Options`."""

    model_config = ConfigDict(frozen=True)

    s3: S3Options = Field(default_factory=S3Options)


#: Extensions taken when a folder, glob or prefix is expanded (see SourceOptions.extensions).
DOCUMENT_EXTENSIONS: tuple[str, ...] = (
    ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp", ".gif",
)  # fmt: skip


class SourceOptions(BaseModel):
    """Which files the inputs (paths, directories, globs, ``s3://`` prefixes) expand to."""

    model_config = ConfigDict(frozen=True)

    include_hidden: bool = Field(
        default=False,
        description="Also list files and folders whose name starts with a dot (skipped by "
        "default: .DS_Store, .git, temporary files).",
    )
    extensions: tuple[str, ...] | None = Field(
        default=DOCUMENT_EXTENSIONS,
        description="When a folder, glob or s3:// prefix is expanded, take files with these "
        "extensions (case-insensitive); None takes every file. Files named one by one are "
        "always taken. Either way the type is judged by content, not by the name.",
    )


class OutputOptions(BaseModel):
    """What a run does with documents its output root already holds (see docparse.sinks)."""

    model_config = ConfigDict(frozen=True)

    retry_failed: bool = Field(
        default=False,
        description="Reprocess documents recorded failed or partial (same content); ok ones "
        "are still skipped.",
    )
    force: bool = Field(
        default=False, description="Reprocess every document, whatever the manifest records."
    )


#: Default OpenAI-compatible endpoint: where `vllm serve` listens by default.
DEFAULT_ENDPOINT = "http://127.0.0.1:8000"
#: Requests in flight per endpoint: enough to keep a vLLM server's continuous batching full.
DEFAULT_MAX_IN_FLIGHT = 64


class EngineSettings(BaseModel):
    """Which engine runs the model and where ("what to ask" is the ModelSpec, not here)."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(default="openai", description="Engine from the registry: openai, vllm, textlayer.")
    endpoints: list[str] = Field(
        default_factory=lambda: [DEFAULT_ENDPOINT],
        description="OpenAI-compatible servers (openai engine); requests are balanced across them.",
    )
    max_in_flight: int = Field(
        default=DEFAULT_MAX_IN_FLIGHT, ge=1, description="Requests in flight per endpoint."
    )
    api_key_env: str = Field(
        default="OPENAI_API_KEY", description="Environment variable holding the API key, if any."
    )
    timeout_s: float = Field(default=600.0, gt=0, description="Per-request timeout (openai).")
    gpu_memory_utilization: float = Field(default=0.9, gt=0, le=1, description="vllm engine.")
    tensor_parallel_size: int = Field(default=1, ge=1, description="GPUs per model (vllm engine).")
    dtype: str = Field(default="auto", description="Model dtype (vllm engine).")


class RunnerKind(str, Enum):
    RAY = "ray"
    LOCAL = "local"


class RunnerOptions(BaseModel):
    """How the pipeline's steps are scheduled (the steps are the same for every runner)."""

    model_config = ConfigDict(frozen=True)

    kind: RunnerKind = Field(default=RunnerKind.RAY, description="ray (default) or local (in-process).")
    ray_address: str | None = Field(
        default=None, description="Existing Ray cluster (else RAY_ADDRESS, else a local Ray)."
    )
    batch_size: int = Field(default=16, ge=1, description="Pages per engine call.")
    engine_workers: int | None = Field(
        default=None,
        ge=1,
        description="Concurrent engine calls (threads or actors); None: enough batches to fill "
        "every endpoint's in-flight slots.",
    )
    render_workers: int = Field(default=1, ge=1, description="Render threads (local runner).")
    pages_per_task: int = Field(default=16, ge=1, description="Pages rendered per Ray task.")
    object_store_mb: int = Field(
        default=512, ge=64, description="Object store size of a Ray started by docparse (MiB)."
    )
    tune_gc: bool = Field(
        default=True,
        description="Freeze start-up objects out of CPython's garbage collector and raise its "
        "young threshold in the processes that post-process and extract (pipelines/worker_gc.py).",
    )


class RunOptions(BaseModel):
    """The root of the options tree."""

    model_config = ConfigDict(frozen=True)

    model: ModelSpec = Field(default_factory=ModelSpec, description="What to ask the model.")
    engine: EngineSettings = Field(default_factory=EngineSettings)
    runner: RunnerOptions = Field(default_factory=RunnerOptions)

    render: RenderOptions = Field(default_factory=RenderOptions)
    postprocess: PostprocessOptions = Field(default_factory=PostprocessOptions)
    attempts: AttemptOptions = Field(default_factory=AttemptOptions)
    sources: SourceOptions = Field(default_factory=SourceOptions)
    storage: StorageOptions = Field(default_factory=StorageOptions)
    output: OutputOptions = Field(default_factory=OutputOptions)
