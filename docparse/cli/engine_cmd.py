"""``docparse engine check``: is an endpoint up, does it serve the model, does it speak QwenVL HTML?"""

from __future__ import annotations

import json

import typer
from rich.markup import escape

from docparse.cli.common import ExitCode, console, err_console

engine_app = typer.Typer(help="Model engines: health checks.", no_args_is_help=True)

_ADVICE = {
    "unreachable": "Is `vllm serve` running and listening on that address? Check the URL and port.",
    "wrong_model": "Pass --model with one of the served models, or serve the model you asked for.",
    "not_qwenvl_html": "The server answered, but not in QwenVL HTML: is it a Qwen2.5-VL model, "
    "and does the prompt reach it unchanged?",
    "error": "The server answered with an error; see the message.",
}


@engine_app.command("check")
def check(
    engine: str = typer.Option("openai", "--engine", help="Engine to check (openai)."),
    endpoints: list[str] = typer.Option(..., "--endpoint", help="Server URL; repeat for several."),
    model: str = typer.Option(None, "--model", help="Model name (default: docparse's default)."),
    api_key_env: str = typer.Option(
        "OPENAI_API_KEY",
        "--api-key-env",
        help="Environment variable holding the API key.",
    ),
    timeout_s: float = typer.Option(60.0, "--timeout", min=0.1, help="Seconds per request."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """List the server's models and send one tiny page; report latency and the reply's format.

    Exit 0 when every endpoint is healthy, 3 otherwise (the run could not start against it).
    """
    if engine != "openai":
        err_console.print(f"engine check supports --engine openai, not {engine!r}")
        raise typer.Exit(ExitCode.USAGE)
    from docparse.engines.health import check_endpoint
    from docparse.engines.openai_options import OpenAIEngineOptions
    from schemas.engine import ModelSpec

    spec = ModelSpec(model=model) if model else ModelSpec()
    results = []
    for endpoint in endpoints:
        options = OpenAIEngineOptions(
            endpoints=[endpoint],
            api_key_env=api_key_env,
            timeout_s=timeout_s,
            max_retries=0,
        )
        results.append(check_endpoint(endpoint, spec, options))
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in results], indent=2))
    for r in results:
        if as_json:
            break
        if r.ok:
            console.print(
                f"[green]ok[/] {escape(r.endpoint)}: model {escape(r.model)}, probe page answered in "
                f"{r.latency_s:.2f}s as QwenVL HTML ({r.verdict.value if r.verdict else '?'})"
            )
            continue
        console.print(f"[red]{r.status.value}[/] {escape(r.endpoint)}: {escape(r.message)}")
        if r.served_models:
            console.print(f"  served models: {escape(', '.join(r.served_models))}")
        if r.reply_excerpt:
            console.print(f"  reply begins: {escape(r.reply_excerpt[:200])!r}")
        console.print(f"  hint: {_ADVICE.get(r.status.value, '')}")
    raise typer.Exit(ExitCode.OK if all(r.ok for r in results) else ExitCode.CANNOT_START)
