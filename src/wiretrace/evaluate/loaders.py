"""Gold-label loaders for the standard text-reuse corpora, into one plain ``Gold`` record.

Formats read (the corpora themselves are never part of this repository):

- wiretrace's own: a CSV ``a,b,label[,degree][,type]`` (``a`` the copy, ``b`` the source), a JSONL
  of clusters ``{"cluster", "members"}``, and a generated benchmark corpus (``bench generate``:
  ``gold/pairs.jsonl`` with passages, ``gold/clusters.jsonl``, ``gold/articles.jsonl``);
- METER (Gaizauskas et al. 2001): the file index's wholly/partially/non-derived grades and the SGML
  ``<Verbatim>``/``<Rewrite>`` span annotations (adjacent reused spans joined into one case);
- the Clough & Stevenson (2011) short-answer corpus: ``g0pA_taska.txt``-style answers, the
  ``orig_task?.txt`` sources and the category index (``cut``/``light``/``heavy``/``non``);
- SemEval-2022 Task 8 pair CSVs (``pair_id`` = ``id1_id2``, ``Overall`` from 1 = very similar to
  4 = very dissimilar);
- NEWS-COPY (Silcock et al. 2023) style ground truth: a JSON list of duplicate id pairs (clusters are
  their connected components) or a JSON object ``{cluster: [ids]}``.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError

RELATIONS = ("duplicate", "derived", "same_story", "unrelated")
Key = tuple[str, str]
Case = tuple[Any, tuple[int, int], "tuple[int, int] | None"]


def pair_key(a: str, b: str) -> Key:
    """An unordered pair of ids as a sorted tuple."""
    return (a, b) if a <= b else (b, a)


@dataclass
class GoldPair:
    """One labelled pair: ``copy`` and ``source`` when directed (``source`` None otherwise)."""

    a: str
    b: str
    label: str
    degree: str = ""
    type: str = ""
    source: str | None = None
    score: float | None = None  # graded similarity, 1 = same (SemEval's Overall rescaled)


@dataclass
class Gold:
    """Everything a corpus labels; absent parts are empty. ``complete`` says that pairs not listed
    are unrelated (true of generated corpora), so any other predicted pair is a false positive
    unless both articles sit in one gold cluster."""

    name: str
    pairs: dict[Key, GoldPair] = field(default_factory=dict)
    clusters: dict[str, str] = field(default_factory=dict)  # article → cluster
    degrees: dict[str, str] = field(default_factory=dict)  # article → wholly / partially / none
    cases: list[Case] = field(default_factory=list)  # passage ground truth (see metrics.plagdet)
    texts: dict[str, str] = field(default_factory=dict)  # article texts, where the loader read them
    one_sided: bool = False  # cases are keyed by the copy article alone (METER)
    complete: bool = False


def _rows_csv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        rows = [(reader.line_num, row) for row in reader]
        return list(reader.fieldnames or []), rows


def _read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                out.append((n, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise InputError(str(path), f"not JSON: {exc.msg}", line=n) from None
    return out


def _check_label(path: Path, line: int, label: str) -> str:
    label = label.strip()
    if label not in RELATIONS:
        raise InputError(str(path), f"unknown label {label!r} (expected one of {', '.join(RELATIONS)})", line=line)
    return label


def _add_pair(gold: Gold, a: str, b: str, label: str, degree: str = "", type_: str = "",
              source: str | None = None, score: float | None = None) -> None:
    if source is None and label in ("derived", "duplicate"):
        source = b  # by convention a is the copy, b the source
    gold.pairs[pair_key(a, b)] = GoldPair(a, b, label, degree, type_, source, score)


def load_pairs_csv(path: str | Path) -> Gold:
    """wiretrace's CSV: ``a,b,label[,degree][,type]``, ``a`` the copy and ``b`` the source."""
    path = Path(path)
    fields, rows = _rows_csv(path)
    missing = {"a", "b", "label"} - set(fields)
    if missing:
        raise InputError(str(path), f"gold CSV needs columns a,b,label (missing: {', '.join(sorted(missing))})")
    gold = Gold(name=path.name)
    for line, row in rows:
        _add_pair(gold, row["a"].strip(), row["b"].strip(), _check_label(path, line, row["label"] or ""),
                  (row.get("degree") or "").strip(), (row.get("type") or "").strip())
    return gold


def load_clusters_jsonl(path: str | Path) -> Gold:
    """A JSONL of gold clusters ``{"cluster", "members"}``."""
    path = Path(path)
    gold = Gold(name=path.name)
    for line, obj in _read_jsonl(path):
        if not isinstance(obj.get("members"), list):
            raise InputError(str(path), 'a cluster line needs a "members" list', line=line)
        for m in obj["members"]:
            gold.clusters[str(m)] = str(obj.get("cluster", line))
    return gold


def load_pairs_jsonl(path: str | Path) -> Gold:
    """A JSONL of pairs as ``bench generate`` writes them (``a``, ``b``, ``label``, ``degree``,
    ``type``, ``source``, ``passages``); passages become two-sided cases (copy = ``a``)."""
    path = Path(path)
    gold = Gold(name=path.name)
    for line, p in _read_jsonl(path):
        if not {"a", "b", "label"} <= set(p):
            raise InputError(str(path), 'a pair line needs "a", "b" and "label"', line=line)
        label = _check_label(path, line, p["label"])
        _add_pair(gold, p["a"], p["b"], label, p.get("degree") or "", p.get("type") or "", p.get("source"))
        key = pair_key(p["a"], p["b"])
        for passage in p.get("passages") or []:
            gold.cases.append((key, tuple(passage["a"]), tuple(passage["b"])))
    return gold


def load_generated(folder: str | Path) -> Gold:
    """A corpus written by ``bench generate`` (the folder itself or its ``gold/``): pairs with
    passages, clusters and article degrees; complete (unlisted pairs are unrelated)."""
    folder = Path(folder)
    gold_dir = folder / "gold" if (folder / "gold").is_dir() else folder
    gold = load_pairs_jsonl(gold_dir / "pairs.jsonl")
    gold.name = f"generated corpus {folder}"
    articles = gold_dir.parent / "articles.jsonl"
    if articles.is_file():  # the texts tell which passages are adjacent (PAN detections, see join_contiguous)
        gold.texts = {a["id"]: a["text"] for _, a in _read_jsonl(articles)}
    gold.clusters = load_clusters_jsonl(gold_dir / "clusters.jsonl").clusters
    for _, a in _read_jsonl(gold_dir / "articles.jsonl"):
        gold.degrees[a["id"]] = a["degree"]
    gold.complete = True
    return gold


def load_meter_gold(root: str | Path, domain: str = "courts") -> Gold:
    """METER: article degrees from the file index, and the SGML ``Verbatim``/``Rewrite`` spans
    (projected onto the raw newspaper text) as one-sided passage cases keyed by newspaper id."""
    from .meter import load_meter, load_meter_spans, project_spans

    corpus = load_meter(root, domain)
    texts = {a.id: a.text for a in corpus.newspapers}
    gold = Gold(name=f"METER {domain}", degrees=dict(corpus.gold), one_sided=True, texts=texts)
    for aid, spans in load_meter_spans(root, domain).items():
        if aid not in texts:
            continue
        reused = [(s, e) for s, e, label in project_spans(spans, texts[aid]) if label in ("verbatim", "rewritten")]
        gold.cases += [(aid, span, None) for span in merge_adjacent(reused, texts[aid])]
    for aid, sources in corpus.candidate_sources.items():
        label = {"wholly": "derived", "partially": "derived", "none": "unrelated"}.get(corpus.gold.get(aid, ""))
        for src in sources if label else ():
            _add_pair(gold, aid, src, label, corpus.gold[aid] if label == "derived" else "", "meter")
    return gold


def _only_separators(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` exists and holds no letter or digit (whitespace and punctuation only; an
    empty gap qualifies). Without the text (or past its end) nothing is a separator."""
    return start <= end <= len(text) and not any(ch.isalnum() for ch in text[start:end])


TwoSided = tuple[tuple[int, int], tuple[int, int]]


def join_contiguous(spans: list[TwoSided], copy_text: str, source_text: str,
                    any_order: bool = False) -> list[TwoSided]:
    """Passages of one document pair joined into reused regions: a block of the copy taken from a
    block of the source, as PAN counts cases and detections.

    Passages that follow each other in the copy and in the source, separated only by whitespace and
    punctuation on both sides, are one region, whatever their kind: wiretrace labels each passage
    ``verbatim`` or ``rewritten``, so a region with one substituted word comes out as three
    passages, one reused passage for a reader and for PAN. With ``any_order`` (how a system's
    passages are read as detections), the next passage may also sit just *before* the block in the
    source: a sentence whose clauses were swapped is aligned as two crossing passages, still one
    block of the copy from one block of the source. A single unaligned word on either side, or a
    jump in either text (a paragraph moved further), keeps passages apart; so do missing texts.
    ``spans`` are ``(copy_span, source_span)`` pairs; the result is sorted by the copy span."""
    out: list[list[int]] = []
    for (a0, a1), (b0, b1) in sorted((tuple(a), tuple(b)) for a, b in spans):  # type: ignore[misc]
        if out:
            last = out[-1]  # [a0, a1, b0, b1]: the block so far
            if _only_separators(copy_text, last[1], a0) and (
                    (b0 >= last[3] and _only_separators(source_text, last[3], b0))
                    or (any_order and b1 <= last[2] and _only_separators(source_text, b1, last[2]))):
                last[1], last[2], last[3] = max(last[1], a1), min(last[2], b0), max(last[3], b1)
                continue
        out.append([a0, a1, b0, b1])
    return [((a0, a1), (b0, b1)) for a0, a1, b0, b1 in out]


def merge_adjacent(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Join overlapping spans and spans separated only by whitespace and punctuation in ``text``:
    METER tags a reused region phrase by phrase (``<Verbatim>`` then ``<Rewrite>`` …); PAN counts one
    case per region. Without the text, only overlapping spans are joined."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        gap = text[out[-1][1]:s] if out else ""
        if out and (s <= out[-1][1] or (len(gap) == s - out[-1][1] and not any(ch.isalnum() for ch in gap))):
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


_CLOUGH_FILE = re.compile(r"^(?:g\d+p[A-E]_)?(?:orig_)?task([a-e])(?:\.txt)?$", re.I)
CLOUGH_TYPES = {"cut": ("derived", "wholly"), "light": ("derived", "wholly"), "heavy": ("derived", "wholly"),
                "non": ("unrelated", "")}


def load_clough(folder: str | Path, index: str | Path | None = None) -> Gold:
    """Clough & Stevenson's short-answer corpus: answers ``gXpY_taskZ.txt`` against ``orig_taskZ.txt``,
    graded ``cut``/``light``/``heavy``/``non`` in the category index (a CSV export of
    ``corpus-final09.xls`` with columns ``File``, ``Task``, ``Category``). Article ids are file stems."""
    folder = Path(folder)
    index = Path(index) if index else next((p for p in sorted(folder.glob("*.csv"))), None)
    if index is None or not index.is_file():
        raise InputError(str(folder), "no category index (a CSV with File,Task,Category columns) found")
    fields, rows = _rows_csv(index)
    if not {"File", "Category"} <= set(fields):
        raise InputError(str(index), "the category index needs columns File,Category (and Task)")
    gold = Gold(name="Clough & Stevenson")
    for line, row in rows:
        stem = Path(row["File"].strip()).stem
        category = row["Category"].strip().lower()
        if category == "orig" or stem.startswith("orig_"):
            continue
        if category not in CLOUGH_TYPES:
            raise InputError(str(index), f"unknown category {category!r} (expected cut, light, heavy or non)",
                             line=line)
        m = _CLOUGH_FILE.match(stem) or _CLOUGH_FILE.match(f"x_task{(row.get('Task') or '').strip()}")
        if not m:
            raise InputError(str(index), f"cannot tell the task of {row['File']!r}", line=line)
        label, degree = CLOUGH_TYPES[category]
        _add_pair(gold, stem, f"orig_task{m[1].lower()}", label, degree, category)
        gold.degrees[stem] = degree or "none"
    return gold


def load_semeval(path: str | Path, related_below: float = 2.5) -> Gold:
    """SemEval-2022 Task 8 CSV: ``pair_id`` (``id1_id2``) and ``Overall`` (1 = very similar … 4 =
    very dissimilar). Pairs with ``Overall`` below ``related_below`` are labelled ``same_story``, the
    rest ``unrelated``; ``score`` is the similarity rescaled to 0–1 (1 = Overall 1)."""
    path = Path(path)
    fields, rows = _rows_csv(path)
    if not {"pair_id", "Overall"} <= set(fields):
        raise InputError(str(path), "a SemEval-2022 Task 8 CSV needs columns pair_id and Overall")
    gold = Gold(name="SemEval-2022 Task 8")
    for line, row in rows:
        ids = row["pair_id"].strip().split("_")
        try:
            overall = float(row["Overall"])
        except ValueError:
            raise InputError(str(path), f"Overall is not a number: {row['Overall']!r}", line=line) from None
        if len(ids) != 2 or not all(ids):
            raise InputError(str(path), f"pair_id should be id1_id2, got {row['pair_id']!r}", line=line)
        label = "same_story" if overall < related_below else "unrelated"
        _add_pair(gold, ids[0], ids[1], label, type_="semeval", score=(4.0 - overall) / 3.0)
    return gold


def load_newscopy(path: str | Path) -> Gold:
    """NEWS-COPY style ground truth: a JSON list of ``[id1, id2]`` duplicate pairs (clusters = their
    connected components) or an object ``{cluster: [ids]}``."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"not JSON: {exc.msg}", line=exc.lineno) from None
    gold = Gold(name="NEWS-COPY")
    if isinstance(data, dict):
        for cluster, members in data.items():
            for m in members:
                gold.clusters[str(m)] = str(cluster)
        return gold
    if not isinstance(data, list) or not all(isinstance(p, list) and len(p) == 2 for p in data):
        raise InputError(str(path), "expected a list of [id1, id2] pairs or an object {cluster: [ids]}")
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in data:
        a, b = str(a), str(b)
        parent[find(a)] = find(b)
        _add_pair(gold, a, b, "duplicate", type_="newscopy")
        gold.pairs[pair_key(a, b)].source = None  # NEWS-COPY pairs carry no direction
    gold.clusters = {x: find(x) for x in parent}
    return gold


def load_gold(path: str | Path) -> Gold:
    """Pick the loader by what ``path`` is (see the module docstring)."""
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "gold file or folder not found")
    if path.is_dir():
        if (path / "gold" / "pairs.jsonl").is_file() or (path / "pairs.jsonl").is_file():
            return load_generated(path)
        if (path / "file_index").is_dir():
            return load_meter_gold(path)
        if any(path.glob("orig_task*.txt")):
            return load_clough(path)
        raise InputError(str(path), "not a known gold folder (generated corpus, METER or Clough & Stevenson)")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig") as fh:
            header = fh.readline()
        return load_semeval(path) if "pair_id" in header else load_pairs_csv(path)
    if suffix in (".jsonl", ".ndjson"):
        first = next((obj for _, obj in _read_jsonl(path)), {})
        return load_clusters_jsonl(path) if "members" in first else load_pairs_jsonl(path)
    if suffix == ".json":
        return load_newscopy(path)
    raise InputError(str(path), "unknown gold format (expected .csv, .jsonl, .json or a corpus folder)")
