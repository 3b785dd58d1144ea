"""The Spark engine: the local engine's pipeline as Spark jobs, for corpora that outgrow one machine.

Orchestration only. Reading, ``prepare`` (normalise + fingerprint), candidate keys and rules
(``candidates``), ``compare_prepared`` (align + relate), source trees and article grades are the same
pure functions the local engine calls, run inside ``mapPartitions``. Only the shuffles are Spark's:
the key join that turns postings into candidate pairs (buckets capped by the shared rules, large ones
split into blocks so no task holds a whole hot bucket), connected components by iterative label
propagation (edges never reach the driver), and the group-bys that gather a cluster's edges and an
article's reused passages. The outputs are the local engine's, byte for byte: ``pairs.jsonl``,
``articles.jsonl``, ``clusters.jsonl``, ``quarantine.jsonl`` and the report.

PySpark is the optional ``spark`` extra; this module imports it lazily so ``wiretrace`` works without it.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

import numpy as np

from ..boilerplate import doc_rank, is_boilerplate
from ..candidates import KEY_KINDS, article_keys, key_rules
from ..cluster import Edge, Reuse, edge_of, grade_articles, reuse_of, source_tree, stable_id
from ..errors import EngineError, UsageError, WiretraceError
from ..model import Article, QuarantineEntry
from ..normalize import normalize
from ..pipeline import Prepared, compare_prepared, prepare, tagged_to_compare
from ..read import STDIN, ReadOptions, qualified_stems
from ..read.files import iter_files, read_file
from ..settings import DEFAULT, Settings

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

log = logging.getLogger(__name__)

BLOCK_SIZE = 128
"""Postings of one key are paired in blocks of this many articles: a bucket of n articles becomes
about (n / BLOCK_SIZE)^2 / 2 tasks' worth of work of at most BLOCK_SIZE^2 pairs each, spread by
the shuffle, instead of one task with n^2 / 2 pairs (salting of hot keys)."""

PREPARED_CACHE = 2048
"""Prepared articles kept per alignment task (pairs are sorted by their first article)."""


@dataclass
class SparkScanResult:
    """What a Spark scan did: counts and per-stage seconds, for the CLI summary, tests and benchmarks."""

    out_dir: Path
    read: int = 0
    candidates: int = 0
    related: int = 0
    quarantine: list[QuarantineEntry] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    shuffle: dict[str, int] = field(default_factory=dict)
    report: Path | None = None


def spark_session(master: str | None = None, shuffle_partitions: int | None = None,
                  app_name: str = "wiretrace") -> "SparkSession":
    """A SparkSession for a scan: ``master`` such as ``local[2]`` or a cluster URL; None keeps the
    active session or what ``spark-submit`` configured."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise EngineError("the spark engine needs PySpark: pip install 'wiretrace[spark]'") from exc
    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    if master and master.startswith("local"):
        # local workers must run this interpreter, which has wiretrace installed; on a cluster,
        # spark-submit's spark.pyspark.python (or PYSPARK_PYTHON) names the executors' Python
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    builder = (builder.config("spark.sql.adaptive.enabled", "true")
               .config("spark.sql.adaptive.skewJoin.enabled", "true")
               .config("spark.ui.showConsoleProgress", "false"))
    if shuffle_partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions))
    try:
        return builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - py4j/pyspark raise many kinds; all mean "cannot start"
        raise EngineError(f"cannot start Spark (master {master or 'default'}): {_first_line(exc)}; "
                          "the spark engine needs Java 17+ on PATH or in JAVA_HOME") from exc


def _first_line(exc: BaseException) -> str:
    """The first non-empty line of an exception's message (Java stack traces are long)."""
    return next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)


# --- read ------------------------------------------------------------------------------------------

def _has_scheme(path: str) -> bool:
    """Whether an input names a Hadoop-compatible URI (``s3a://``, ``hdfs://``, ``file://``)."""
    return "://" in path


def file_rank(input_number: int, file_number: int) -> int:
    """A file's place in the read order: its input's number, then its place in that input's listing."""
    return (input_number << 56) | (file_number << 28)


def _read_local(task: tuple[int, str, str | None], options: ReadOptions) -> Iterator[tuple]:
    """Read one local file with the local engine's reader; rows of articles and quarantine entries."""
    rank, path, qualified = task
    yield from _items(rank, path, read_file(Path(path), options, qualified))


def _read_bytes(task: tuple[int, str, str | None, bytes], options: ReadOptions) -> Iterator[tuple]:
    """Read one remote file's bytes with the local engine's reader (via a temporary copy)."""
    rank, uri, qualified, content = task
    name = uri.rstrip("/").rsplit("/", 1)[-1]
    with tempfile.TemporaryDirectory(prefix="wiretrace-") as tmp:
        local = Path(tmp) / name
        local.write_bytes(content)
        for row in _items(rank, str(local), read_file(local, options, qualified)):
            yield _rebase(row, str(local), uri)


def _rebase(row: tuple, local: str, uri: str) -> tuple:
    """Point a row's origin/file from the temporary copy back at the remote URI."""
    def fix(s: str | None) -> str | None:
        return uri + s[len(local):] if s is not None and s.startswith(local) else s

    if row[0] == "a":
        return (*row[:4], fix(row[4]), *row[5:10], fix(row[10]), *row[11:])
    return (*row[:3], fix(row[3]), *row[4:])


def _items(rank: int, file: str, items: Iterable[Any]) -> Iterator[tuple]:
    """Rows for one file's items: ``("a", rank, n, line, file, id, text, title, date, outlet, origin,
    url, meta)`` for an article, ``("q", rank, n, file, line, reason)`` for a quarantine entry."""
    for n, item in enumerate(items):
        if isinstance(item, QuarantineEntry):
            yield ("q", rank, n, item.file, item.line, item.reason)
        else:
            a = item.article
            yield ("a", rank, n, item.line, file, a.id, a.text, a.title, a.date, a.outlet, a.origin,
                   a.url, json.dumps(a.meta, default=str, sort_keys=True))


def _article(row: Any) -> Article:
    """The Article of a read row (a Spark Row or tuple in ``_ARTICLE_COLUMNS`` order)."""
    return Article(id=row["id"], text=row["text"], title=row["title"], date=row["date"], outlet=row["outlet"],
                   url=row["url"], origin=row["origin"], meta=json.loads(row["meta"]) if row["meta"] else {})


_ARTICLE_COLUMNS = ["kind", "rank", "n", "line", "file", "id", "text", "title", "date", "outlet", "origin", "url", "meta"]


def read_articles(spark: "SparkSession", inputs: Sequence[str | Path], quarantine: list[QuarantineEntry],
                  options: ReadOptions | None = None) -> tuple["DataFrame", "DataFrame"]:
    """Articles (with ``seq``, the local engine's read order) and quarantine rows, read on executors.

    Inputs are limited to 128, files per input and articles per file to 2^28 each (``file_rank``).
    File names (not contents) of URI inputs come to the driver, to give ids as the local reader does.

    Local paths are listed on the driver exactly as the local engine lists them (they must be visible
    to every executor, e.g. on a shared file system); URIs are listed and loaded by Spark. Each file
    is parsed by the local engine's reader, so ids, dates, decoding and quarantine reasons agree.
    """
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
    from pyspark.sql.window import Window

    if any(str(raw) == STDIN for raw in inputs):
        raise UsageError("the spark engine reads files and URIs, not stdin ('-')")
    opts = options or ReadOptions.from_settings(DEFAULT)
    sc = spark.sparkContext
    # every file's name is listed on the driver first (names only): ids need the whole listing to
    # qualify stems shared by several files, exactly as the local reader does
    listed: list[tuple[int, str, bool]] = []
    remote: dict[int, "DataFrame"] = {}
    for n, raw in enumerate(inputs):
        if _has_scheme(str(raw)):
            remote[n] = (spark.read.format("binaryFile").option("recursiveFileLookup", "true")
                         .load(str(raw)).select("path", "content"))
            names = [r["path"] for r in remote[n].select("path").collect()]
            # sorted by path components, as the local engine walks folders
            listed.extend((n, name, True) for name in sorted(names, key=lambda p: p.split("/")))
        else:
            listed.extend((n, str(p), False) for p in iter_files([raw], quarantine))
    qualified = qualified_stems([Path(name) for _, name, _ in listed])
    place: dict[str, tuple[int, str | None]] = {}
    seen: dict[int, int] = {}
    for n, name, _ in listed:
        seen[n] = seen.get(n, -1) + 1
        place[name] = (file_rank(n, seen[n]), qualified.get(Path(name)))
    local_tasks = [(place[name][0], name, place[name][1]) for _, name, is_remote in listed if not is_remote]
    rows = sc.emptyRDD()
    if remote:
        where = sc.broadcast(place)
        for df in remote.values():
            tasks = df.rdd.map(lambda r: (where.value[r["path"]][0], r["path"], where.value[r["path"]][1],
                                          bytes(r["content"])))
            rows = rows.union(tasks.flatMap(lambda t: _read_bytes(t, opts)))
    if local_tasks:
        parts = max(1, min(len(local_tasks), sc.defaultParallelism * 4))
        rows = rows.union(sc.parallelize(local_tasks, parts).flatMap(lambda t: _read_local(t, opts)))
    rows = rows.cache()

    schema = T.StructType([
        T.StructField("kind", T.StringType()), T.StructField("rank", T.LongType()), T.StructField("n", T.LongType()),
        T.StructField("line", T.LongType()), T.StructField("file", T.StringType()),
        T.StructField("id", T.StringType()), T.StructField("text", T.StringType()),
        T.StructField("title", T.StringType()), T.StructField("date", T.StringType()),
        T.StructField("outlet", T.StringType()), T.StructField("origin", T.StringType()),
        T.StructField("url", T.StringType()), T.StructField("meta", T.StringType()),
    ])
    articles = spark.createDataFrame(rows.filter(lambda r: r[0] == "a"), schema)
    bad = rows.filter(lambda r: r[0] == "q").map(lambda r: (r[1], r[2], r[3], r[4], r[5]))
    bad_df = spark.createDataFrame(bad, "rank long, n long, file string, line long, reason string")

    # the first article with an id wins; later ones are quarantined, naming where it was first seen
    by_id = Window.partitionBy("id").orderBy("rank", "n")
    articles = (articles.withColumn("dup", F.row_number().over(by_id))
                .withColumn("first_origin", F.first(F.coalesce("origin", "file")).over(by_id)))
    dups = articles.where("dup > 1").select(
        "rank", "n", "file", "line",
        F.format_string("duplicate id '%s' (first seen in %s)", "id", "first_origin").alias("reason"))
    quarantine_df = bad_df.unionByName(dups)
    # seq orders articles as the local engine reads them: by file, then by place in the file
    kept = articles.where("dup = 1").select((F.col("rank") + F.col("n")).alias("seq"), *_ARTICLE_COLUMNS[5:])
    return kept, quarantine_df


# --- prepare and candidates ------------------------------------------------------------------------

_KIND_NUMBER = {kind.name: n for n, kind in enumerate(KEY_KINDS)}


def _prepare_partition(rows: Iterable[Any], settings: Settings) -> Iterator[tuple]:
    """Per article: (seq, id, outlet, date, content-token count, [(kind number, signed key)], sampling
    rank, MinHash signature bytes)."""
    for row in rows:
        p = prepare(_article(row), settings)
        keys = [(_KIND_NUMBER[name], int(k)) for name, ks in article_keys(p.fp, settings).items()
                for k in ks.view(np.int64).tolist()]
        yield (row["seq"], row["id"], row["outlet"], row["date"], len(p.doc.content), keys, doc_rank(row["id"]),
               np.asarray(p.fp.signature, dtype=np.uint32).tobytes())


def _verdicts(rows: Iterable[Any], settings: Settings) -> Iterator[int]:
    """The boilerplate keys among ``(key, [sampled (rank, signature, n_content)])`` rows."""
    for row in rows:
        sample = sorted(row["sample"], key=lambda x: x["rank"])
        sigs = np.stack([np.frombuffer(x["signature"], dtype=np.uint32) for x in sample])
        sizes = np.asarray([x["n_content"] for x in sample], dtype=np.int64)
        if is_boilerplate(sigs, sizes, settings):
            yield row["key"]


def boilerplate_keys_df(postings: "DataFrame", prepared: "DataFrame", settings: Settings = DEFAULT) -> np.ndarray:
    """Corpus-boilerplate fingerprints (``wiretrace.boilerplate``), sorted uint64: winnowed keys held
    by ``boilerplate_min_df`` articles, judged on the ``boilerplate_sample`` lowest-ranked of them,
    as the local engine judges them. Only the verdicts reach the driver."""
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    prints = postings.where(F.col("kind") == _KIND_NUMBER["winnowed"]).select("key", "doc").dropDuplicates()
    frequent = prints.groupBy("key").count().where(F.col("count") >= settings.boilerplate_min_df).select("key")
    docs = prepared.select(F.col("seq").alias("doc"), "rank", "signature", "n_content")
    sampled = (prints.join(frequent, "key").join(docs, "doc")
               .withColumn("r", F.row_number().over(Window.partitionBy("key").orderBy("rank")))
               .where(F.col("r") <= settings.boilerplate_sample)
               .groupBy("key").agg(F.collect_list(F.struct("rank", "signature", "n_content")).alias("sample")))
    s = settings
    keys = sampled.rdd.mapPartitions(lambda rows: _verdicts(rows, s)).collect()
    return np.sort(np.asarray(keys, dtype=np.int64).view(np.uint64))


def candidate_pairs_df(spark: "SparkSession", postings: "DataFrame", n_docs: int,
                       settings: Settings = DEFAULT, block_size: int = BLOCK_SIZE,
                       boilerplate: np.ndarray | None = None, ranks: "DataFrame | None" = None) -> "DataFrame":
    """Candidate pairs ``(a, b)`` of article seqs, ``a < b``, from ``(kind, key, doc)`` postings.

    The same rules as the local engine (``key_rules``): per kind, keys held by 2..max_df articles, and
    pairs sharing at least ``min_shared`` of them, keys held by more counted through their ``hubs``
    lowest-ranked holders (``ranks``: ``(doc, rank)``; by default the doc number ranks); winnowed keys
    in ``boilerplate`` make no pairs. Each key's postings are numbered and cut into blocks of
    ``block_size``; blocks are paired (i <= j), so a hot key spreads over many tasks.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    rules = key_rules(n_docs, settings)
    rules_df = spark.createDataFrame(
        [(_KIND_NUMBER[name], r.max_df, r.min_shared, r.hubs) for name, r in rules.items()],
        "kind int, max_df long, min_shared long, hubs long")
    postings = postings.dropDuplicates(["kind", "key", "doc"])
    df = postings.groupBy("kind", "key").agg(F.count("*").alias("df"))
    sized = df.join(F.broadcast(rules_df), "kind")
    if boilerplate is not None and len(boilerplate):
        excluded = spark.createDataFrame(
            [(_KIND_NUMBER["winnowed"], int(k)) for k in np.asarray(boilerplate, np.uint64).view(np.int64).tolist()],
            "kind int, key long")
        sized = sized.join(F.broadcast(excluded), ["kind", "key"], "left_anti")
    kept = sized.where((F.col("df") >= 2) & (F.col("df") <= F.col("max_df"))).select("kind", "key", "df")
    over = sized.where((F.col("df") > F.col("max_df")) & (F.col("hubs") > 0)).select("kind", "key", "hubs")
    ranked = (postings.join(over, ["kind", "key"])
              .join(ranks if ranks is not None else postings.select("doc", F.col("doc").alias("rank")).distinct(),
                    "doc"))
    hubs = (ranked.withColumn("r", F.row_number().over(Window.partitionBy("kind", "key").orderBy("rank", "doc")))
            .where(F.col("r") <= F.col("hubs")).select("kind", "key", F.col("doc").alias("hub")))
    through_hubs = (ranked.select("kind", "key", "doc").join(hubs, ["kind", "key"]).where(F.col("doc") != F.col("hub"))
                    .select("kind", "key", F.least("doc", "hub").alias("a"), F.greatest("doc", "hub").alias("b"))
                    .distinct().groupBy("kind", "a", "b").agg(F.count("*").alias("shared")))
    in_bucket = postings.join(kept, ["kind", "key"])
    numbered = in_bucket.withColumn(
        "block", F.floor((F.row_number().over(Window.partitionBy("kind", "key").orderBy("doc")) - 1) / block_size))
    blocks = F.floor((F.col("df") - 1) / block_size)
    left = (numbered.withColumn("other", F.explode(F.sequence(F.col("block"), blocks)))
            .select("kind", "key", "other", F.col("doc").alias("a")))
    right = numbered.select("kind", "key", F.col("block").alias("other"), F.col("doc").alias("b"))
    shared = (left.join(right, ["kind", "key", "other"]).where(F.col("a") < F.col("b"))
              .groupBy("kind", "a", "b").agg(F.count("*").alias("shared")))
    shared = shared.unionByName(through_hubs).groupBy("kind", "a", "b").agg(F.sum("shared").alias("shared"))
    return (shared.join(F.broadcast(rules_df), "kind").where(F.col("shared") >= F.col("min_shared"))
            .select("a", "b").distinct())


# --- align and relate ------------------------------------------------------------------------------

def _compare_partition(rows: Iterable[Any], settings: Settings, boilerplate: np.ndarray | None = None) -> Iterator[tuple]:
    """Align and relate candidate pairs; one row per related pair with what later stages need."""
    cache: dict[str, Prepared] = {}

    def get(article: Article) -> Prepared:
        p = cache.get(article.id)
        if p is None:
            if len(cache) >= PREPARED_CACHE:
                cache.pop(next(iter(cache)))
            p = cache[article.id] = tagged_to_compare(normalize(article, settings), boilerplate, settings)
        return p

    for row in rows:
        a, b = _article(row["a_row"]), _article(row["b_row"])
        r = compare_prepared(get(a), get(b), settings)
        if r.relation == "unrelated":
            continue
        reuse, edge = reuse_of(r), edge_of(r)
        yield (r.a, r.b, r.relation, r.source, float(edge.confidence), float(edge.coverage),
               json.dumps(r.to_json(passages=True), ensure_ascii=False),
               reuse.copy if reuse else None, reuse.source if reuse else None,
               [list(x) for x in reuse.ranges] if reuse else None, max(row["a"], row["b"]), min(row["a"], row["b"]))


_PAIR_SCHEMA = ("a string, b string, relation string, source string, confidence double, coverage double, "
                "json string, copy string, copy_source string, ranges array<array<int>>, later long, earlier long")
"""``later``/``earlier``: the two articles' numbers, by which pairs.jsonl is ordered (``store.BY_ARRIVAL``)."""


def related_pairs(spark: "SparkSession", articles: "DataFrame", candidates: "DataFrame",
                  settings: Settings = DEFAULT, boilerplate: np.ndarray | None = None) -> "DataFrame":
    """Related pairs of the candidates, oriented as the local engine orients them (a read first);
    ``boilerplate`` fingerprints tag each article's corpus boilerplate first."""
    from pyspark.sql import functions as F

    cols = [c for c in articles.columns]
    row_a = articles.select(F.col("seq").alias("a"), F.struct(*cols).alias("a_row"))
    row_b = articles.select(F.col("seq").alias("b"), F.struct(*cols).alias("b_row"))
    work = (candidates.join(row_a, "a").join(row_b, "b")
            .repartition("a").sortWithinPartitions("a", "b"))
    s = settings
    shared = spark.sparkContext.broadcast(boilerplate if boilerplate is not None else np.zeros(0, np.uint64))
    found = work.rdd.mapPartitions(lambda rows: _compare_partition(rows, s, shared.value))
    return spark.createDataFrame(found, _PAIR_SCHEMA)


# --- cluster ---------------------------------------------------------------------------------------

def connected_components(edges: "DataFrame", max_rounds: int = 100) -> "DataFrame":
    """``(node, component)`` for every node of an undirected ``(src, dst)`` string edge list.

    Label propagation: every node starts with its own name and takes the smallest label among itself
    and its neighbours until nothing changes (rounds = the largest component's diameter). The labels
    are checkpointed each round, and only a count of changed labels comes to the driver.
    """
    from pyspark.sql import functions as F

    both = edges.select("src", "dst").union(edges.select(F.col("dst").alias("src"), F.col("src").alias("dst")))
    both = both.distinct().localCheckpoint()
    labels = (both.groupBy("src").agg(F.min("dst").alias("near"))
              .select(F.col("src").alias("node"), F.least("src", "near").alias("component")))
    for rounds in range(1, max_rounds + 1):
        offered = (both.join(labels, both.src == labels.node).groupBy("dst")
                   .agg(F.min("component").alias("offer")))
        updated = (labels.join(offered, labels.node == offered.dst, "left")
                   .select("node", F.least("component", F.coalesce("offer", "component")).alias("component"),
                           F.coalesce(F.col("offer") < F.col("component"), F.lit(False)).alias("changed"))
                   .localCheckpoint())  # one shuffling job per round; cuts the plan's lineage
        labels = updated.select("node", "component")
        if updated.where("changed").limit(1).count() == 0:
            log.info("connected components: %d rounds", rounds)
            return labels
    raise EngineError(f"connected components did not converge in {max_rounds} rounds")


def _cluster_of(group: tuple[str, Iterable[Any]]) -> tuple:
    """Members, source tree and roots of one component from its edges (the local pure functions)."""
    _, rows = group
    edges = [Edge(r["a"], r["b"], r["relation"], r["source"], r["confidence"], r["coverage"]) for r in rows]
    members = sorted({x for e in edges for x in (e.a, e.b)})
    tree = source_tree(members, edges)
    ordered_tree = {m: tree[m] for m in members if m in tree}
    roots = [m for m in members if m not in tree]
    return (stable_id("c", members[0]), members, ordered_tree, roots)


def clusters_df(spark: "SparkSession", pairs: "DataFrame") -> "DataFrame":
    """Reprint clusters ``(cluster, members, source_tree, roots, story, size, first)`` named and
    storied as locally (ids from the smallest member, ``cluster.stable_id``); ``size`` and
    ``first`` give the local order (largest first, then by smallest member)."""
    from pyspark.sql import functions as F

    reuse = pairs.where(F.col("relation").isin("duplicate", "derived")).cache()
    comp = connected_components(reuse.select(F.col("a").alias("src"), F.col("b").alias("dst")))
    grouped = (reuse.join(comp, reuse.a == comp.node).rdd.map(lambda r: (r["component"], r))
               .groupByKey().map(_cluster_of))
    clusters = spark.createDataFrame(
        grouped, "cluster string, members array<string>, source_tree map<string,string>, roots array<string>")
    clusters = (clusters.withColumn("size", F.size("members")).withColumn("first", F.col("members")[0]).cache())
    return clusters.join(_stories(spark, pairs), clusters["first"] == F.col("article"), "left").drop("article")


def _stories(spark: "SparkSession", pairs: "DataFrame") -> "DataFrame":
    """``(article, story)`` of every linked article: components of duplicate, derived and
    same_story edges, each named after its smallest article as the local engine names them
    (label propagation leaves exactly that article as the component's label)."""
    from pyspark.sql import functions as F

    linked = pairs.where(F.col("relation").isin("duplicate", "derived", "same_story"))
    comp = connected_components(linked.select(F.col("a").alias("src"), F.col("b").alias("dst")))
    named = comp.rdd.map(lambda r: (r["node"], stable_id("s", r["component"])))
    return spark.createDataFrame(named, "article string, story string")


def _grade_partition(rows: Iterable[Any], settings: Settings) -> Iterator[tuple]:
    """Grades of a partition's articles over all their sources (the local pure function)."""
    rows = list(rows)
    info = {r["id"]: (r["outlet"], r["date"], r["n_content"]) for r in rows}
    seq = {r["id"]: r["seq"] for r in rows}
    reuse = [Reuse(r["id"], x["source"], [tuple(rng) for rng in x["ranges"]]) for r in rows for x in (r["reuse"] or [])]
    for g in grade_articles(info, reuse, settings):
        yield (seq[g.id], json.dumps(g.to_json(), ensure_ascii=False))


def grades_df(spark: "SparkSession", info: "DataFrame", pairs: "DataFrame", settings: Settings = DEFAULT) -> "DataFrame":
    """``(seq, json)`` of every article's grade: its reused share over all sources, and degree."""
    from pyspark.sql import functions as F

    reuse = (pairs.where(F.col("copy").isNotNull())
             .groupBy(F.col("copy").alias("id"))
             .agg(F.collect_list(F.struct(F.col("copy_source").alias("source"), "ranges")).alias("reuse")))
    s = settings
    graded = info.join(reuse, "id", "left").rdd.mapPartitions(lambda rows: _grade_partition(rows, s))
    return spark.createDataFrame(graded, "seq long, json string")


# --- outputs ---------------------------------------------------------------------------------------

def _pair_line(pair_json: str, passages: bool) -> str:
    """A pairs.jsonl line from the full compare object, without passages when asked."""
    if passages:
        return pair_json
    row = json.loads(pair_json)
    for key in ("passages", "new_in_a", "new_in_b"):
        row.pop(key, None)
    return json.dumps(row, ensure_ascii=False)


def _cluster_json(row: Any) -> dict:
    return {"cluster": row["cluster"], "members": list(row["members"]),
            "source_tree": {m: row["source_tree"][m] for m in row["members"] if m in row["source_tree"]},
            "roots": list(row["roots"]), "story": row["story"]}


def _write_lines(path: Path, lines: Iterable[str]) -> int:
    """Stream lines into ``path`` (through a temporary file); returns how many."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    n = 0
    with tmp.open("w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(line + "\n")
            n += 1
    tmp.replace(path)
    return n


class _Timer:
    """Times a stage and names its Spark jobs after it (job group), so the UI and benchmarks can
    attribute shuffle bytes to stages."""

    def __init__(self, result: SparkScanResult, stage: str, spark: "SparkSession") -> None:
        self.result, self.stage, self.spark = result, stage, spark

    def __enter__(self) -> None:
        self.spark.sparkContext.setJobGroup(self.stage, f"wiretrace {self.stage}")
        self.t0 = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.result.seconds[self.stage] = round(time.perf_counter() - self.t0, 3)
        log.info("spark stage %s took %.2fs", self.stage, self.result.seconds[self.stage])


def scan(inputs: Sequence[str | Path], out_dir: str | Path, spark: "SparkSession | None" = None,
         settings: Settings = DEFAULT, master: str | None = None, passages: bool = True,
         report: bool = True, pairs_format: str = "jsonl", read_options: ReadOptions | None = None) -> SparkScanResult:
    """Read, prepare, find candidates, align, relate, cluster and grade on Spark; write the outputs.

    Stages are materialised one after another so ``seconds`` times each; the outputs are streamed to
    the driver one partition at a time (``toLocalIterator``), never collected whole, except for the
    HTML report, which needs every article (turn it off with ``report=False`` on large corpora).
    ``pairs_format="parquet"`` writes ``pairs.parquet`` as a Spark dataset instead of ``pairs.jsonl``.
    """
    if pairs_format not in ("jsonl", "parquet"):
        raise UsageError(f"pairs format {pairs_format!r}: use jsonl or parquet")
    spark = spark or spark_session(master)
    try:
        options = read_options or ReadOptions.from_settings(settings)
        return _scan(spark, inputs, Path(out_dir), settings, passages, report, pairs_format, options)
    except WiretraceError:
        raise
    except Exception as exc:  # noqa: BLE001 - a failed Spark job surfaces as py4j/pyspark errors
        raise EngineError(f"Spark job failed: {_first_line(exc)}") from exc


def _scan(spark: "SparkSession", inputs: Sequence[str | Path], out: Path, settings: Settings, passages: bool,
          report: bool, pairs_format: str, options: ReadOptions) -> SparkScanResult:
    """The stages of ``scan``, each materialised and timed."""
    from pyspark.sql import functions as F

    out.mkdir(parents=True, exist_ok=True)
    result = SparkScanResult(out_dir=out)
    s = settings

    with _Timer(result, "read", spark):
        articles, quarantine_df = read_articles(spark, inputs, result.quarantine, options)
        articles = articles.cache()
        result.read = articles.count()
        result.quarantine.extend(QuarantineEntry(r["file"], r["reason"], r["line"])
                                 for r in quarantine_df.orderBy("rank", "n").toLocalIterator())
    with _Timer(result, "prepare", spark):
        prepared = spark.createDataFrame(
            articles.rdd.mapPartitions(lambda rows: _prepare_partition(rows, s)),
            "seq long, id string, outlet string, date string, n_content int, keys array<struct<kind:int,key:long>>, "
            "rank long, signature binary",
        ).cache()
        postings = prepared.select(F.col("seq").alias("doc"), F.explode("keys").alias("k")).select(
            "k.kind", "k.key", "doc").cache()
        result.shuffle["postings"] = postings.count()
    with _Timer(result, "candidates", spark):
        boilerplate = boilerplate_keys_df(postings, prepared, settings)
        result.shuffle["boilerplate_keys"] = len(boilerplate)
        candidates = candidate_pairs_df(spark, postings, result.read, settings, boilerplate=boilerplate,
                                        ranks=prepared.select(F.col("seq").alias("doc"), "rank")).cache()
        result.candidates = candidates.count()
    with _Timer(result, "align", spark):
        pairs = related_pairs(spark, articles, candidates, settings, boilerplate).cache()
        result.related = pairs.count()
    with _Timer(result, "cluster", spark):
        clusters = clusters_df(spark, pairs).cache()
        n_clusters = clusters.count()
        grades = grades_df(spark, prepared.select("seq", "id", "outlet", "date", "n_content"), pairs, settings).cache()
        grades.count()
    with _Timer(result, "write", spark):
        found = pairs.orderBy("later", "earlier")  # the local engine's pairs.jsonl order
        if pairs_format == "parquet":
            found.select("a", "b", "relation", "source", "json").write.mode("overwrite").parquet(
                str(out / "pairs.parquet"))
        else:
            _write_lines(out / "pairs.jsonl", (_pair_line(r["json"], passages)
                                                 for r in found.select("json").toLocalIterator()))
        _write_lines(out / "articles.jsonl", (r["json"] for r in grades.orderBy("seq").toLocalIterator()))
        cluster_rows = clusters.orderBy(F.col("size").desc(), "first")
        _write_lines(out / "clusters.jsonl",
                     (json.dumps(_cluster_json(r), ensure_ascii=False) for r in cluster_rows.toLocalIterator()))
        _write_lines(out / "quarantine.jsonl",
                     (json.dumps(q.to_json(), ensure_ascii=False) for q in result.quarantine))
        if report:
            result.report = _render(out, articles, grades, pairs.orderBy("a", "b"), cluster_rows, result.quarantine)
    result.counts = {"articles": result.read, "pairs": result.related, "clusters": n_clusters}
    return result


def _render(out: Path, articles: "DataFrame", grades: "DataFrame", pairs: "DataFrame", clusters: "DataFrame",
            quarantine: list[QuarantineEntry]) -> Path:
    """The static HTML report, as the local engine renders it (it needs every article on the driver)."""
    from ..report import render_report

    texts = {r["id"]: (r["text"], r["title"]) for r in articles.select("id", "text", "title").toLocalIterator()}
    rows = []
    for r in grades.orderBy("seq").toLocalIterator():
        g = json.loads(r["json"])
        text, title = texts[g["id"]]
        rows.append({**g, "text": text, "title": title})
    return render_report(out / "report", rows, [json.loads(r["json"]) for r in pairs.toLocalIterator()],
                         [_cluster_json(r) for r in clusters.toLocalIterator()],
                         quarantine=[q.to_json() for q in quarantine])
