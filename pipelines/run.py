"""Run a conversion: inputs -> outputs + manifest, on the runner the options name.

This module only composes: it opens the output storage and manifest, lists the sources, checks
the engine can be reached, and hands the steps to the local runner or the Ray job.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from docparse.sinks import MANIFEST_NAME, Manifest, ResumePlan
from docparse.sources import SourceRef, list_sources
from docparse.storage import AppendableStorage, Storage, open_storage
from pipelines.assemble import DocumentAssembler, Extractor
from pipelines.engine_step import engine_section, needs_text_layer
from pipelines.summary import RunSummary, RunTally
from pipelines.worker_gc import tune_gc
from schemas.errors import EngineError, ErrorCode
from schemas.options import RenderOptions, RunnerKind, RunOptions
from schemas.results import DocumentResult

logger = logging.getLogger("docparse.run")


def effective_render_options(options: RunOptions) -> RenderOptions:
    """What the render step must produce for the chosen engine."""
    return options.render.model_copy(
        update={
            "extract_text_layer": needs_text_layer(options),
            # In-process vLLM takes raw pixels; HTTP engines take PNG bytes.
            "encode_png": options.engine.name != "vllm",
        }
    )


def preflight(options: RunOptions) -> None:
    """Fail before any work when no endpoint of the openai engine serves the model."""
    if options.engine.name != "openai":
        return
    from docparse.engines.health import check_endpoint
    from docparse.engines.openai_options import OpenAIEngineOptions

    engine_options = OpenAIEngineOptions(**engine_section(options))  # type: ignore[arg-type]
    results = [
        check_endpoint(url, options.model, engine_options, probe=False)
        for url in options.engine.endpoints
    ]
    if not any(r.ok for r in results):
        raise EngineError(
            "no endpoint can serve the run: " + "; ".join(r.message for r in results),
            code=ErrorCode.ENGINE_UNAVAILABLE,
        )
    for r in results:
        if not r.ok:
            logger.warning("endpoint left out of the balance at start: %s", r.message)


def check_output_writable(storage: Storage) -> None:
    """Fail before any work when the output root cannot take a write: a file where the folder
    should be, no permission, a bucket that does not exist (:class:`OutputError`, naming it).

    The probe is the manifest itself, created empty when missing; an existing one is left as
    it is (a local one is opened for appending, nothing appended)."""
    if isinstance(storage, AppendableStorage):
        storage.append_bytes(MANIFEST_NAME, b"")
    elif not storage.exists(MANIFEST_NAME):
        storage.write_bytes(MANIFEST_NAME, b"")


def _outside(refs: Iterator[SourceRef], output: str) -> Iterator[SourceRef]:
    """Never read the run's own outputs as inputs (an output folder inside an input folder)."""
    if "://" in output:
        prefix = output.rstrip("/") + "/"
        yield from (r for r in refs if not r.uri.startswith(prefix))
        return
    root = Path(output).resolve()
    for ref in refs:
        if "://" in ref.uri or not Path(ref.uri).resolve().is_relative_to(root):
            yield ref


def run_conversion(
    inputs: Sequence[str],
    output: str,
    options: RunOptions,
    *,
    extractor: Extractor | None = None,
    on_document: Callable[[DocumentResult], None] | None = None,
    tick: Callable[[RunTally], None] | None = None,
    tally: RunTally | None = None,
) -> RunSummary:
    """Convert every document the inputs name; one manifest line per finished document.

    Raises before starting (nothing written) when the inputs name nothing that exists
    (:class:`InputError`), the engine cannot be reached (:class:`EngineError`), or the output
    cannot be written (:class:`OutputError`).
    """
    refs = list_sources(inputs, options=options.sources, storage=options.storage)
    storage = open_storage(output, options.storage)
    preflight(options)
    check_output_writable(storage)
    tally = tally or RunTally()
    render = effective_render_options(options)
    with Manifest.open(storage) as manifest:
        resume = ResumePlan.from_manifest(manifest, options.output)
        assembler = DocumentAssembler(
            storage, manifest, tally=tally, extractor=extractor, on_document=on_document
        )
        ticker = (lambda: tick(tally)) if tick is not None else None
        tune_gc(options.runner.tune_gc)  # documents are assembled and extracted in this process
        sources = _outside(refs, output if "://" in output else os.fspath(output))
        if options.runner.kind is RunnerKind.LOCAL:
            from pipelines.local import LocalRunner

            LocalRunner(options, render, resume).run(sources, assembler, ticker)
        else:
            from pipelines.ray_job import run_ray

            run_ray(sources, options, render, resume, assembler, ticker)
    return tally.summary(storage.root_uri)
