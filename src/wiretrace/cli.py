"""The ``wiretrace`` command: parse arguments, call the library, show progress and results.

Exit codes: 0 success, 1 usage error, 2 input or store error (the message names the file).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.progress import ProgressColumn, Task
from rich.table import Table
from rich.text import Text

from . import __version__
from .bench.systems import SYSTEMS as BENCH_SYSTEMS
from .errors import InputError, StoreError, UsageError, WiretraceError
from .model import Article, PairResult
from .settings import DEFAULT

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Find text reuse in news: which articles copy or rewrite which, and who was the source.")
out = Console()
err = Console(stderr=True)

_KIND_STYLE = {"verbatim": "black on yellow", "rewritten": "black on cyan"}


def _version(value: bool) -> None:
    if value:
        out.print(f"wiretrace {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what each stage does."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


# --- compare -----------------------------------------------------------------------------------

def _render_pair(result: PairResult, a: Article, b: Article) -> None:
    """Passages side by side in the terminal, coloured by kind."""
    head = Text()
    head.append(f"{result.relation}", style="bold")
    if result.relation == "derived":
        head.append(f" ({result.degree})")
    if result.source:
        head.append(f"   source: {result.source}  (confidence {result.direction_confidence:.2f})")
    out.print(head)
    for reason in result.reasons + result.direction_reasons:
        out.print(f"  · {escape(reason)}")
    scores = "  ".join(f"{k}={v:.2f}" for k, v in result.scores.items())
    out.print(f"  {scores}", style="dim")
    if not result.passages:
        return
    table = Table(show_lines=True, expand=True)
    table.add_column(f"A: {escape(a.id)}" + (f" ({escape(a.outlet)})" if a.outlet else ""), ratio=1)
    table.add_column(f"B: {escape(b.id)}" + (f" ({escape(b.outlet)})" if b.outlet else ""), ratio=1)
    for p in sorted(result.passages, key=lambda p: p.a):
        style = _KIND_STYLE[p.kind]
        table.add_row(Text(a.text[p.a[0]:p.a[1]], style=style), Text(b.text[p.b[0]:p.b[1]], style=style))
    out.print(table)
    legend = Text("legend: ")
    legend.append(" verbatim ", style=_KIND_STYLE["verbatim"])
    legend.append(" ")
    legend.append(" rewritten ", style=_KIND_STYLE["rewritten"])
    out.print(legend)


_SEMANTIC_HELP = "Embedding matching (heavy rewrites, same_story); default: on when the semantic extra is installed."
_MODEL_HELP = "Sentence-transformers model folder to embed with (default: the packaged all-MiniLM-L6-v2)."
# Reader options shared by compare and scan: which table column holds each article field.
_ID_COL = typer.Option(None, "--id-col", help="Column/field holding the article id (default: id).")
_TEXT_COL = typer.Option(None, "--text-col", help="Column/field holding the article text (default: text).")
_DATE_COL = typer.Option(None, "--date-col", help="Column/field holding the date (default: date).")
_OUTLET_COL = typer.Option(None, "--outlet-col", help="Column/field holding the outlet (default: outlet).")


def _read_options(id_col: Optional[str], text_col: Optional[str], date_col: Optional[str],
                  outlet_col: Optional[str]) -> Any:
    """ReadOptions from the column options and the default limits."""
    from .read import ReadOptions

    return ReadOptions.from_settings(DEFAULT, id_col=id_col, text_col=text_col, date_col=date_col,
                                     outlet_col=outlet_col)


@app.command()
def compare(
    a: Optional[Path] = typer.Argument(None, help="First article file ('-' for stdin)."),
    b: Optional[Path] = typer.Argument(None, help="Second article file ('-' for stdin)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON object."),
    batch: Optional[Path] = typer.Option(None, "--batch", help='JSONL of {"id", "a": {article}, "b": {article}}.'),
    out_file: Optional[Path] = typer.Option(None, "--out", help="With --batch: write results here, not stdout."),
    semantic: Optional[bool] = typer.Option(None, "--semantic/--no-semantic", help=_SEMANTIC_HELP),
    model: Optional[Path] = typer.Option(None, "--model", help=_MODEL_HELP),
    id_col: Optional[str] = _ID_COL,
    text_col: Optional[str] = _TEXT_COL,
    date_col: Optional[str] = _DATE_COL,
    outlet_col: Optional[str] = _OUTLET_COL,
) -> None:
    """Compare two articles: passages, relation, degree and source."""
    from .pipeline import compare as compare_articles
    from .read import STDIN, read_article

    options = _read_options(id_col, text_col, date_col, outlet_col)
    from .semantic import choose_stage

    stage = choose_stage(semantic, str(model) if model else None)

    if batch is not None:
        if a is not None or b is not None:
            raise UsageError("give either two article files or --batch PAIRS.jsonl, not both")
        from .batch import compare_batch

        sink = out_file.open("w", encoding="utf-8") if out_file else sys.stdout
        try:
            for row in compare_batch(batch, semantic=stage):
                sink.write(json.dumps(row, ensure_ascii=False) + "\n")
        finally:
            if out_file:
                sink.close()
        return
    if a is None or b is None:
        raise UsageError("compare needs two article files (or --batch PAIRS.jsonl)")
    if str(a) == str(b) == STDIN:
        raise UsageError("only one of the two articles can come from stdin ('-')")
    art_a, art_b = read_article(a, options), read_article(b, options)
    result = compare_articles(art_a, art_b, semantic=stage)
    if as_json:
        out.print_json(json.dumps(result.to_json()))
    else:
        _render_pair(result, art_a, art_b)


# --- scan ----------------------------------------------------------------------------------------

class _Bars:
    """A rich progress bar per stage, fed by the engine's progress callback."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)  # the engine reports per batch


class _RateColumn(ProgressColumn):
    """Items per second of a stage (articles read, pairs aligned)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f}/s" if speed else "", style="progress.data.speed")


@app.command()
def scan(
    inputs: list[str] = typer.Argument(..., help="Files, folders or '-' (stdin): .txt .jsonl .json .csv .tsv "
                                                  ".parquet .html .warc, also .gz/.zst compressed"
                                                  " (with --engine spark also URIs: s3a://, hdfs://, file://)"),
    out_dir: Path = typer.Option(..., "--out", help="Folder for pairs.jsonl, articles.jsonl, clusters.jsonl, report/."),
    store: Optional[Path] = typer.Option(None, "--store", help="DuckDB store (default: OUT/wiretrace.duckdb)."),
    engine: str = typer.Option("local", "--engine", help="local (this machine) or spark."),
    jobs: int = typer.Option(1, "--jobs", min=1, help="Worker processes for alignment."),
    no_passages: bool = typer.Option(False, "--no-passages", help="Leave passages out of pairs.jsonl."),
    semantic: Optional[bool] = typer.Option(None, "--semantic/--no-semantic", help=_SEMANTIC_HELP),
    model: Optional[Path] = typer.Option(None, "--model", help=_MODEL_HELP),
    id_col: Optional[str] = _ID_COL,
    text_col: Optional[str] = _TEXT_COL,
    date_col: Optional[str] = _DATE_COL,
    outlet_col: Optional[str] = _OUTLET_COL,
    master: Optional[str] = typer.Option(None, "--master", help="With --engine spark: local[N], spark://..., yarn, k8s://..."),
    pairs_format: str = typer.Option("jsonl", "--pairs-format", help="With --engine spark: jsonl or parquet."),
    no_report: bool = typer.Option(False, "--no-report", help="Do not write the HTML report."),
    no_snapshot: bool = typer.Option(False, "--no-snapshot",
                                     help="Publish no read-only snapshot of the store (nothing reads it while "
                                          "scans run); readers then open the store itself."),
) -> None:
    """Find every related pair in a collection; write pairs, article grades, clusters and a report."""
    if engine == "spark":
        if store is not None or jobs != 1 or no_snapshot:
            raise UsageError("--store, --jobs and --no-snapshot belong to the local engine; "
                             "Spark's parallelism comes from --master")
        _scan_spark(inputs, out_dir, master, pairs_format, not no_passages, not no_report,
                    _read_options(id_col, text_col, date_col, outlet_col))
        return
    if master is not None or pairs_format != "jsonl":
        raise UsageError("--master and --pairs-format need --engine spark")
    if engine != "local":
        raise UsageError(f"engine {engine!r} is not available in this build; use --engine local")
    from .engines.local import scan as run_scan
    from .semantic import choose_stage

    stage = choose_stage(semantic, str(model) if model else None)

    options = _read_options(id_col, text_col, date_col, outlet_col)

    columns = (TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
               TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=False) as progress:
        result = run_scan(inputs, out_dir, store, DEFAULT, jobs=jobs, progress=_Bars(progress),
                          passages=not no_passages, read_options=options, report=not no_report,
                          semantic=stage, snapshot=not no_snapshot)
    for q in result.quarantine:
        where = f"{q.file}:{q.line}" if q.line else q.file
        err.print(f"[yellow]quarantined[/] {escape(where)}: {escape(q.reason)}")
    c = result.counts
    out.print(f"read {result.read} articles ({result.new} new, {result.skipped_known} already in the store), "
              f"{len(result.quarantine)} quarantined")
    out.print(f"{result.candidates} candidate pairs, {result.related} related; store now holds "
              f"{c['articles']} articles, {c['pairs']} pairs, {c['clusters']} clusters")
    out.print("seconds per stage (wall / CPU): " + ", ".join(
        f"{k} {v:.1f} / {result.cpu_seconds.get(k, 0.0):.1f}" for k, v in result.seconds.items()))
    out.print(f"store:  {result.store}")
    out.print(f"output: {result.out_dir}")
    if result.report:
        out.print(f"report: {result.report}")


def _scan_spark(inputs: list[str], out_dir: Path, master: str | None, pairs_format: str, passages: bool,
                report: bool, read_options: Any) -> None:
    """``scan --engine spark``: run the Spark engine and print its summary."""
    from .engines.spark import scan as spark_scan

    result = spark_scan(inputs, out_dir, master=master, passages=passages, report=report,
                        pairs_format=pairs_format, read_options=read_options)
    for q in result.quarantine:
        where = f"{q.file}:{q.line}" if q.line else q.file
        err.print(f"[yellow]quarantined[/] {escape(where)}: {escape(q.reason)}")
    c = result.counts
    out.print(f"read {result.read} articles on Spark, {len(result.quarantine)} quarantined")
    out.print(f"{result.candidates} candidate pairs, {c['pairs']} related, {c['clusters']} clusters")
    out.print("seconds per stage: " + ", ".join(f"{k} {v:.1f}" for k, v in result.seconds.items()))
    out.print(f"output: {result.out_dir}")
    if result.report:
        out.print(f"report: {result.report}")


# --- query and report ----------------------------------------------------------------------------

@app.command()
def query(
    article: Path = typer.Argument(..., help="Article file to look up."),
    store: Path = typer.Option(..., "--store", help="DuckDB store written by scan."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list of compare objects."),
    top: int = typer.Option(10, "--top", min=1, help="At most this many results."),
) -> None:
    """Where did this article come from? Its sources and copies in a store."""
    from .query import Index
    from .read import read_article

    art = read_article(article)
    with Index(store) as index:
        results = index.query(art, top=top)
        if as_json:
            out.print_json(json.dumps([r.to_json() for r in results]))
            return
        if not results:
            out.print("no related articles in the store")
            return
        table = Table("stored article", "outlet", "date", "relation", "covers query", "source")
        stored = {x.id: x for x in index.store.articles([r.b for r in results])}
        for r in results:
            s = stored[r.b]
            table.add_row(escape(r.b), escape(s.outlet or ""), s.date or "", f"{r.relation} {r.degree}".strip(),
                          f"{r.scores['coverage_a']:.0%}", escape(r.source or "?"))
        out.print(table)


@app.command()
def report(
    store: Path = typer.Option(..., "--store", help="DuckDB store written by scan."),
    out_dir: Path = typer.Option(..., "--out", help="Folder to write the HTML report into."),
) -> None:
    """Write the static HTML report of a store."""
    from .engines.local import write_outputs
    from .store import Store

    with Store(store, read_only=True) as s:
        index = write_outputs(s, out_dir, [], report=True)
    out.print(f"report: {index}")


@app.command()
def check(
    store: Path = typer.Option(..., "--store", help="DuckDB store to check."),
    as_json: bool = typer.Option(False, "--json", help="Print the verdict, counts and problems as JSON."),
) -> None:
    """Check a store's integrity (e.g. after a crash): verdict, counts, and anything broken.

    Exit code 0 when the store is sound, 2 when a check fails or it cannot be opened.
    """
    from .store import Store

    with Store(store, read_only=True) as s:
        verdict = s.check()
    if as_json:
        out.print_json(json.dumps(verdict.to_json()))
    else:
        out.print(f"{escape(str(store))}: {'[green]ok[/]' if verdict.ok else '[red]CORRUPT[/]'}")
        out.print("  " + ", ".join(f"{v} {k}" for k, v in verdict.counts.items()))
        for problem, rows in verdict.problems.items():
            out.print(f"  [red]✗[/] {escape(problem)}: {rows}")
        for note in verdict.notes:
            out.print(f"  · {escape(note)}")
    if not verdict.ok:
        raise typer.Exit(2)


@app.command()
def serve(
    store: Path = typer.Option(..., "--store", help="DuckDB store written by scan (created empty if missing)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; the default serves this machine only."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    max_body: int = typer.Option(4 * 1024 * 1024, "--max-body", min=1, help="Largest request body in bytes (413 above)."),
    get: Optional[str] = typer.Option(None, "--get", help="Answer one GET request for this path, print it, and exit."),
) -> None:
    """Web UI and JSON API over a store: paste an article, browse clusters, pairs and outlets."""
    try:
        from .web.app import create_app, get as get_once, pretty
    except ImportError as exc:
        raise UsageError(f"serve needs the web extra: pip install 'wiretrace[web]' ({exc})") from exc
    from .store import Store

    if not store.exists():
        Store(store).close()
    web_app = create_app(store, DEFAULT, max_bytes=max_body)
    if get is not None:
        status, content_type, body = get_once(web_app, get)
        out.file.write(pretty(content_type, body) + "\n")
        raise typer.Exit(0 if status < 400 else 1)
    import uvicorn

    err.print(f"serving {escape(str(store))} at http://{host}:{port}/  (API: /api)")
    uvicorn.run(web_app, host=host, port=port, log_level="warning")


@app.command(name="eval")
def evaluate(
    gold: Path = typer.Option(..., "--gold", help="Gold labels: a,b,label CSV, pairs or clusters JSONL, a generated "
                              "corpus, a METER or Clough & Stevenson folder, a SemEval-2022 CSV, a NEWS-COPY JSON."),
    pred: Path = typer.Option(..., "--pred", help="Output folder of a scan."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    out_file: Optional[Path] = typer.Option(None, "--out", help="Write the JSON here (default: PRED/eval.json)."),
) -> None:
    """Score a scan against gold labels: pairs, relations, direction, article degrees, passages, clusters."""
    from .evaluate.gold import evaluate_scan

    figures = evaluate_scan(gold, pred)
    target = out_file or pred / "eval.json"
    target.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    if as_json:
        out.print_json(json.dumps(figures))
        return
    _print_eval(figures)
    out.print(f"written: {target}")


def _print_eval(figures: dict[str, Any]) -> None:
    """The eval figures as terminal tables."""
    if "per_label" in figures:
        table = Table("relation", "precision", "recall", "f1", "support", title="pairs by relation")
        for label, row in figures["per_label"].items():
            table.add_row(label, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}",
                          str(row["support"]))
        out.print(table)
        out.print(f"direction accuracy: {figures['direction_accuracy']:.3f} on {figures['direction_pairs']} pairs")
    if "detection" in figures:
        d = figures["detection"]
        table = Table("reuse type", "recall", "pairs", title=f"pairs found: precision {d['precision']:.3f}, "
                      f"recall {d['recall']:.3f}")
        for t, r in d["recall_by_type"].items():
            table.add_row(t, f"{r:.3f}", str(d["support_by_type"][t]))
        for t, r in d["false_positive_rate_by_type"].items():
            table.add_row(f"{t} (negatives: false positive rate)", f"{r:.3f}", "")
        out.print(table)
    if "articles" in figures:
        out.print(f"article degrees: macro-F1 {figures['articles']['macro_f1']:.3f}, "
                  f"accuracy {figures['articles']['accuracy']:.3f}")
    if "passages" in figures:
        p = figures["passages"]
        out.print(f"passages: plagdet {p['plagdet']:.3f} (precision {p['precision']:.3f}, recall {p['recall']:.3f}, "
                  f"granularity {p['granularity']:.3f})")
    if "clusters" in figures:
        c = figures["clusters"]
        out.print(f"clusters: adjusted Rand index {c['adjusted_rand_index']:.3f}, B-cubed F1 {c['bcubed']['f1']:.3f}")
    if "similarity" in figures:
        out.print(f"similarity: Pearson {figures['similarity']['pearson']:.3f}")


# --- bench ---------------------------------------------------------------------------------------

bench_app = typer.Typer(no_args_is_help=True, help="Labelled benchmark corpora, and wiretrace timed and scored beside its peers.")
app.add_typer(bench_app, name="bench")


@bench_app.command("generate")
def bench_generate(
    base: Path = typer.Option(..., "--base", help="Folder of real articles (.txt, first line = title), e.g. BBC News."),
    n: int = typer.Option(..., "--n", min=1, help="Number of articles to generate."),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed gives the same corpus."),
    out_dir: Path = typer.Option(..., "--out", help="Folder for articles.jsonl, gold/ and summary.json."),
) -> None:
    """Derive a labelled corpus (copies, rewrites, partial reuse, hard negatives) from real articles."""
    from .bench.generate import generate_corpus

    with Progress(TextColumn("generate"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=err) as progress:
        task = progress.add_task("generate", total=n)
        summary = generate_corpus(base, n, seed, out_dir,
                                  progress=lambda done, total: progress.update(task, completed=done))
    out.print(f"{summary.n} articles ({summary.words_mean:.0f} words on average) from {summary.base['articles']} "
              f"base articles in {summary.seconds:.1f}s ({summary.articles_per_s:.0f} articles/s)")
    out.print("gold pairs: " + ", ".join(f"{k} {v}" for k, v in summary.pairs.items()))
    out.print(f"articles: {out_dir / 'articles.jsonl'}   gold: {out_dir / 'gold'}")


@bench_app.command("run")
def bench_run(
    corpus: Path = typer.Option(..., "--corpus", help="A folder written by `wiretrace bench generate`."),
    out_dir: Path = typer.Option(..., "--out", help="Folder for bench.json, bench.md and each system's pairs."),
    systems: str = typer.Option(",".join(BENCH_SYSTEMS), "--systems",
                                help="Comma-separated systems to run (also: wiretrace-semantic, wiretrace-scan-N, "
                                     "datasketch-T, rensa-T)."),
) -> None:
    """Time and score wiretrace and its peers (datasketch, rensa) on one corpus, in one run."""
    from .bench.run import run_bench

    with err.status("running " + systems):
        run_bench(corpus, out_dir, tuple(x.strip() for x in systems.split(",") if x.strip()))
    out.print((out_dir / "bench.md").read_text(encoding="utf-8"), markup=False, soft_wrap=True)
    out.print(f"written: {out_dir / 'bench.json'}")


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app, map errors to one message and an exit code."""
    try:
        code = app(args=argv, standalone_mode=False)
    except typer.Exit as exc:
        code = exc.exit_code
    except typer.Abort:
        err.print("aborted")
        code = 130
    except typer.TyperException as exc:  # argument errors found by the parser
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            err.print(f"error: {exc.format_message()}")
        code = 1
    except (UsageError,) as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        code = 1
    except (InputError, StoreError) as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        code = 2
    except WiretraceError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        code = 2
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
