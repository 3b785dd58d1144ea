"""Loader for the METER corpus (Gaizauskas et al. 2001; Clough et al. 2002).

The corpus itself is research-use material and never part of this repository; this module only
reads its directory layout, so anyone who has a copy can run the same evaluation::

    <root>/PA/rawtexts/<domain>/<dd.mm.yy>/<catchline>/<name>.txt      Press Association wire copy
    <root>/newspapers/rawtexts/<domain>/<dd.mm.yy>/<catchline>/<name><n>_<paper>.txt
    <root>/newspapers/annotated/<domain>/<dd.mm.yy>/<catchline>/<same stem>.sgml
    <root>/file_index/<domain>/{wholly,partially,non}_derived.txt        gold labels

Article ids are ``<kind>/<domain>/<date folder>/<catchline>/<file stem>``, e.g.
``PA/courts/11.09.99/bench/bench213`` and ``newspapers/courts/11.09.99/bench/bench213_times``; the
SGML annotation of a newspaper article has the same id as its raw text.

Texts are decoded as cp1252 (falling back to latin-1 for bytes cp1252 leaves undefined; both map one
byte to one character) and ``\\r\\n`` is normalised to ``\\n``; nothing else is removed. PA files
start with a wire header (rules of dashes and a ``16:50 12/07/99: Page 1 (HHH) COURTS Arm`` slug
line) and end with a marker line such as ``end<`` or ``mfl<``; these stay in ``text`` and are
described in ``meta`` (``header``, ``header_end``, ``body_end``, ``pa_timestamp``, ``pa_slug``,
``pa_page``, ``end_marker``) so a caller can skip them without moving offsets.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wiretrace.model import Article

DEFAULT_DOMAIN = "courts"

#: Gold file (under ``file_index/<domain>/``) → label.
GOLD_FILES: dict[str, str] = {
    "wholly_derived.txt": "wholly",
    "partially_derived.txt": "partially",
    "non_derived.txt": "none",
}
GOLD_LABELS: tuple[str, ...] = ("wholly", "partially", "none")

#: Newspaper filename suffix → paper name. The nine subscribing papers, plus the two that occur
#: a handful of times in the courts domain (Morning Star, Financial Times).
PAPERS: dict[str, str] = {
    "times": "The Times",
    "guardian": "The Guardian",
    "independent": "The Independent",
    "telegraph": "The Daily Telegraph",
    "mirror": "Daily Mirror",
    "sun": "The Sun",
    "star": "Daily Star",
    "express": "Daily Express",
    "mail": "Daily Mail",
    "morningstar": "Morning Star",
    "ft": "Financial Times",
}
PA_OUTLET = "Press Association"

#: SGML tag → span label.
SPAN_LABELS: dict[str, str] = {"verbatim": "verbatim", "rewrite": "rewritten", "new": "new"}

_CORPUS_PREFIXES = ("meter_corpus/",)
_SKIP_SUFFIXES = ("~", ".bak", ".orig", ".swp")
_PA_SLUG = re.compile(
    r"(?P<hh>\d\d):(?P<mi>\d\d) (?P<dd>\d\d)/(?P<mo>\d\d)/(?P<yy>\d\d): *"
    r"(?P<page>Page \S+(?: \([^)\n]*\))?) *(?P<slug>[^<\n]*)"
)
_PA_AFTER_SLUG = re.compile(r"(?:</?[A-Za-z][^>\n]*>)*[ \t]*\n?(?:[ \t]*-{5,}[ \t]*\n)?")
_PA_END = re.compile(
    r"(?:(?<=\n)[ \t\x19]*(?P<line>[A-Za-z]{1,5}[ \t]*<?)"  # a marker line: end< mfl< mf< AP<
    r"|(?<=[ \t])(?P<inline>(?:end|ends|mfl|mf)[ \t]*<?))"  # or "... afternoon. end<"
    r"[ \t\x19\n]*(?:</PRE>\s*|</HTML>\s*)*\Z"
)


@dataclass
class MeterCorpus:
    """The METER corpus of one domain, read from disk.

    ``articles``: every PA wire story and every newspaper article (PA first, each group in path
    order). ``gold``: newspaper id → ``"wholly" | "partially" | "none"``. ``candidate_sources``:
    newspaper id → ids of the PA files in the same ``<date>/<catchline>`` folder (possibly empty).
    ``unmatched_gold``: gold index entries that name no loaded file (``(label, entry)``);
    ``gold_conflicts``: ids listed under two labels (the first label read is kept).
    """

    articles: list[Article]
    gold: dict[str, str]
    candidate_sources: dict[str, list[str]]
    domain: str = DEFAULT_DOMAIN
    unmatched_gold: list[tuple[str, str]] = field(default_factory=list)
    gold_conflicts: list[tuple[str, str, str]] = field(default_factory=list)

    def by_id(self) -> dict[str, Article]:
        return {a.id: a for a in self.articles}

    @property
    def pa(self) -> list[Article]:
        return [a for a in self.articles if a.meta.get("kind") == "PA"]

    @property
    def newspapers(self) -> list[Article]:
        return [a for a in self.articles if a.meta.get("kind") == "newspapers"]


@dataclass
class MeterSpans:
    """One annotated newspaper article: its plain text (SGML tags removed) and labelled spans.

    ``spans`` are ``(start, end, label)`` character offsets into ``text`` (end exclusive), label one of
    ``"verbatim" | "rewritten" | "new"``, in document order. ``meta`` carries the ``meterdocument``
    attributes (``classification``, ``newspaper``, ``pagenumber``, ...) and ``origin``.
    """

    text: str
    spans: list[tuple[int, int, str]]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def tagged(self) -> bool:
        return bool(self.spans)


# ----------------------------------------------------------------------------------------------
# small helpers


def decode_text(data: bytes) -> str:
    """Decode a METER file: cp1252 where defined, latin-1 otherwise; ``\\r\\n`` → ``\\n``.

    Every byte becomes exactly one character, so offsets in bytes and characters agree (up to the
    removed ``\\r`` of line ends).
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1").translate(_C1_TO_CP1252)
    return text.replace("\r\n", "\n")


_C1_TO_CP1252 = {
    b: bytes([b]).decode("cp1252")
    for b in range(0x80, 0xA0)
    if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


def folder_date(name: str, offset_days: int = 0) -> str | None:
    """``"11.09.99"`` (dd.mm.yy) → ``"1999-09-11"``; years 70–99 are 19xx, 00–69 are 20xx.

    Returns ``None`` when the folder name is not such a date.
    """
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})", name)
    if not m:
        return None
    day, month, year = int(m[1]), int(m[2]), int(m[3])
    if year < 100:
        year += 1900 if year >= 70 else 2000
    try:
        date = _dt.date(year, month, day)
    except ValueError:
        return None
    return (date + _dt.timedelta(days=offset_days)).isoformat()


def outlet_name(suffix: str) -> str:
    """Newspaper filename suffix (``"times"``) → paper name (``"The Times"``); unknown → as given."""
    return PAPERS.get(suffix.lower(), suffix)


def pa_header(text: str) -> dict[str, Any]:
    """Describe the wire header and end marker of a PA text (already decoded and normalised).

    Returns a dict with ``header_end`` (offset where the story starts; 0 when no header was found),
    ``body_end`` (offset where the trailing ``end<``/``mfl<`` marker line starts; ``len(text)`` when
    none), and when found ``header`` (the header text), ``pa_timestamp`` (ISO), ``pa_page`` and
    ``pa_slug`` (e.g. ``"COURTS Arm Substitute"``) and ``end_marker``. Nothing is removed.
    """
    out: dict[str, Any] = {"header_end": 0, "body_end": len(text)}
    m = _PA_SLUG.search(text, 0, 2000)
    if m:
        after = _PA_AFTER_SLUG.match(text, m.end())
        end = after.end() if after else m.end()
        out["header_end"] = end
        out["header"] = text[:end]
        yy = int(m["yy"])
        year = yy + (1900 if yy >= 70 else 2000)
        try:
            out["pa_timestamp"] = _dt.datetime(
                year, int(m["mo"]), int(m["dd"]), int(m["hh"]), int(m["mi"])
            ).isoformat(timespec="minutes")
        except ValueError:
            pass
        out["pa_page"] = m["page"].strip()
        out["pa_slug"] = m["slug"].strip()
    e = _PA_END.search(text, out["header_end"])
    if e:
        group = "line" if e["line"] is not None else "inline"
        start = e.start(group)
        # back up over the paragraph mark / spaces that open the marker
        while start > out["header_end"] and text[start - 1] in " \t\x19":
            start -= 1
        out["body_end"] = start
        out["end_marker"] = e[group].strip().rstrip("<").strip()
    return out


def _pa_title(text: str, start: int, end: int) -> str | None:
    """The PA headline: the first paragraph of the story (paragraphs end in ``<``) in capitals.

    Editorial notes in parentheses before it (``(with pic)``, ``(Corrected repetition …)``) are
    skipped. Continuation takes (``Page 2`` …), snaps and advisories have no headline → ``None``.
    """
    for para in text[start:min(end, start + 3000)].split("<")[:6]:
        head = " ".join(para.replace("\x19", " ").split())
        head = re.sub(r"^\([^)]*\)\s*", "", head)
        if not head:
            continue
        letters = [ch for ch in head if ch.isalpha()]
        if letters and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters):
            return head
        return None
    return None


def _is_data_file(path: Path) -> bool:
    name = path.name
    return path.is_file() and not name.startswith(".") and not name.endswith(_SKIP_SUFFIXES) and \
        name.lower() != "readme.txt"


def _story_files(domain_dir: Path, suffixes: Iterable[str] | None) -> list[tuple[str, str, Path]]:
    """``(date folder, catchline, file)`` for every story file two levels below ``domain_dir``."""
    out = []
    if not domain_dir.is_dir():
        return out
    for date_dir in sorted(p for p in domain_dir.iterdir() if p.is_dir()):
        for catch_dir in sorted(p for p in date_dir.iterdir() if p.is_dir()):
            for f in sorted(catch_dir.iterdir()):
                if not _is_data_file(f):
                    continue
                if suffixes is not None and f.suffix.lower() not in suffixes:
                    continue
                out.append((date_dir.name, catch_dir.name, f))
    return out


def _ids_for(kind: str, domain: str, files: list[tuple[str, str, Path]]) -> list[str]:
    """Stable ids; the suffix is dropped unless two files of one folder share a stem."""
    stems: dict[tuple[str, str, str], int] = {}
    for d, c, f in files:
        stems[(d, c, f.stem)] = stems.get((d, c, f.stem), 0) + 1
    return [
        f"{kind}/{domain}/{d}/{c}/{f.stem if stems[(d, c, f.stem)] == 1 else f.name}"
        for d, c, f in files
    ]


def _index_key(entry: str) -> str:
    """Normalise a file-index path: strip ``/``, ``../`` and the ``meter_corpus/`` prefix."""
    e = entry.strip().replace("\\", "/")
    while e.startswith(("/", "./", "../")):
        e = e[1:] if e.startswith("/") else e.split("/", 1)[1]
    for prefix in _CORPUS_PREFIXES:
        if e.startswith(prefix):
            e = e[len(prefix):]
    return e


# ----------------------------------------------------------------------------------------------
# corpus


def load_meter(
    root: Path | str,
    domain: str = DEFAULT_DOMAIN,
    *,
    newspaper_date_offset: int = 0,
) -> MeterCorpus:
    """Read the METER corpus of ``domain`` under ``root`` (the folder holding ``PA/``, ...).

    ``date`` of every article is its ``<date>`` folder as ISO. Note that the newspaper articles in a
    folder were printed the day *after* that date (they say "yesterday" of the PA story's "today");
    pass ``newspaper_date_offset=1`` to date them by publication day. The folder name is kept in
    ``meta["folder_date"]`` either way.

    Raises ``FileNotFoundError`` when ``PA/rawtexts/<domain>`` or ``newspapers/rawtexts/<domain>``
    is missing. Missing gold index files give no labels for that class.
    """
    root = Path(root)
    pa_dir = root / "PA" / "rawtexts" / domain
    np_dir = root / "newspapers" / "rawtexts" / domain
    for d in (pa_dir, np_dir):
        if not d.is_dir():
            raise FileNotFoundError(f"not a METER corpus folder (missing {d})")

    articles: list[Article] = []
    path_to_id: dict[str, str] = {}
    pa_by_folder: dict[tuple[str, str], list[str]] = {}

    pa_files = _story_files(pa_dir, None)
    for (date, catch, f), aid in zip(pa_files, _ids_for("PA", domain, pa_files), strict=True):
        text = decode_text(f.read_bytes())
        info = pa_header(text)
        rel = f.relative_to(root).as_posix()
        meta: dict[str, Any] = {
            "kind": "PA",
            "domain": domain,
            "folder_date": date,
            "catchline": catch,
            "filename": f.name,
            **info,
        }
        if "<HTML>" in text[:500].upper():
            meta["html"] = True
        articles.append(Article(
            id=aid,
            text=text,
            title=_pa_title(text, info["header_end"], info["body_end"]),
            date=folder_date(date),
            outlet=PA_OUTLET,
            origin=str(f),
            meta=meta,
        ))
        path_to_id[rel] = aid
        pa_by_folder.setdefault((date, catch), []).append(aid)

    newspapers: list[Article] = []
    np_files = _story_files(np_dir, {".txt"})
    for (date, catch, f), aid in zip(np_files, _ids_for("newspapers", domain, np_files), strict=True):
        text = decode_text(f.read_bytes())
        stem = f.stem
        suffix = stem.rsplit("_", 1)[1] if "_" in stem else ""
        meta = {
            "kind": "newspapers",
            "domain": domain,
            "folder_date": date,
            "catchline": catch,
            "filename": f.name,
            "paper": suffix,
        }
        newspapers.append(Article(
            id=aid,
            text=text,
            date=folder_date(date, newspaper_date_offset),
            outlet=outlet_name(suffix) if suffix else None,
            origin=str(f),
            meta=meta,
        ))
        path_to_id[f.relative_to(root).as_posix()] = aid
    articles.extend(newspapers)

    # gold labels
    np_ids = {a.id for a in newspapers}
    # also accept index entries without the file suffix or with another one
    stem_to_id = {k.rsplit(".", 1)[0]: v for k, v in path_to_id.items()}
    gold: dict[str, str] = {}
    unmatched: list[tuple[str, str]] = []
    conflicts: list[tuple[str, str, str]] = []
    index_dir = root / "file_index" / domain
    for fname, label in GOLD_FILES.items():
        path = index_dir / fname
        if not path.is_file():
            continue
        for line in decode_text(path.read_bytes()).splitlines():
            entry = line.strip()
            if not entry:
                continue
            key = _index_key(entry)
            aid = path_to_id.get(key) or stem_to_id.get(key.rsplit(".", 1)[0])
            if aid is None or aid not in np_ids:
                unmatched.append((label, entry))
                continue
            if aid in gold and gold[aid] != label:
                conflicts.append((aid, gold[aid], label))
                continue
            gold[aid] = label

    candidates = {
        a.id: list(pa_by_folder.get((a.meta["folder_date"], a.meta["catchline"]), []))
        for a in newspapers
    }
    return MeterCorpus(
        articles=articles,
        gold=gold,
        candidate_sources=candidates,
        domain=domain,
        unmatched_gold=unmatched,
        gold_conflicts=conflicts,
    )


# ----------------------------------------------------------------------------------------------
# SGML span annotation

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTR = re.compile(r"([A-Za-z_][\w.-]*)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)")
_ENTITY = re.compile(r"&(#\d+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);?")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "pound": "£",
             "nbsp": "\u00a0"}
_TEXT_ELEMENTS = {"verbatim", "rewrite", "new", "unclassified"}


def _unescape(s: str) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m[1]
        try:
            if name.startswith(("#x", "#X")):
                return chr(int(name[2:], 16))
            if name.startswith("#"):
                return chr(int(name[1:]))
        except (ValueError, OverflowError):
            return m[0]
        return _ENTITIES.get(name.lower(), m[0])

    return _ENTITY.sub(sub, s) if "&" in s else s


def parse_meter_sgml(sgml: str, *, strip: bool = True) -> MeterSpans:
    """Parse one METER SGML document (decoded, ``\\r\\n`` already ``\\n``) into text and spans.

    The plain text is rebuilt to match the raw newspaper text: the character data of the body's
    elements (``Verbatim``, ``Rewrite``, ``New``, ``unclassified``; tag names case-insensitive)
    joined by the whitespace between the elements *minus one trailing newline*, which the annotation
    tool added after every closing tag (paragraph breaks and spaces that fell outside a tag are
    kept). The newline right after ``<unclassified>`` is layout too and is dropped; so is
    whitespace before the first and after the last element. Entities (``&amp;`` …) are resolved, a
    bare ``&`` is kept. Left-over ``\\r\\n`` (a CRLF split by a closing tag) becomes ``\\n`` and a
    lone ``\\r`` becomes ``\\n``, with span offsets adjusted.

    On the METER courts annotations the text equals the raw newspaper text up to trailing
    whitespace for 734 of 742 files; :func:`project_spans` maps spans onto raw text in general.

    With ``strip`` (default) each span is narrowed to exclude leading/trailing whitespace and
    whitespace-only spans (paragraph breaks tagged ``New``) are dropped; the text is the same.
    """
    meta: dict[str, Any] = {}
    pieces: list[str] = []
    raw_spans: list[tuple[int, int, str]] = []
    pos = 0  # length of the (not yet CR-normalised) text so far
    stack: list[str] = []
    in_body = False
    seen_element = False
    pending_gap = ""
    open_start = 0
    last = 0
    title_parts: list[str] = []

    def add(piece: str) -> None:
        nonlocal pos
        if piece:
            pieces.append(piece)
            pos += len(piece)

    for m in _TAG.finditer(sgml):
        data = sgml[last:m.start()]
        last = m.end()
        top = stack[-1] if stack else None
        if in_body and top in _TEXT_ELEMENTS:
            add(_unescape(data))
        elif in_body and top == "body" and seen_element:
            pending_gap += data
        elif top == "title":
            title_parts.append(_unescape(data))
        closing, name = m[1] == "/", m[2].lower()
        if closing:
            if name in stack:
                while stack and stack.pop() != name:
                    pass
            if name == "body":
                in_body = False
            elif in_body and name in _TEXT_ELEMENTS:
                if name in SPAN_LABELS:
                    raw_spans.append((open_start, pos, SPAN_LABELS[name]))
                seen_element = True
                pending_gap = ""
            continue
        if name == "meterdocument":
            for k, v in _ATTR.findall(m[3]):
                meta[k.lower()] = _unescape(v[1:-1] if v[:1] in "\"'" else v)
        elif name == "body":
            in_body = True
        elif in_body and name in _TEXT_ELEMENTS:
            gap = pending_gap[:-1] if pending_gap.endswith("\n") else pending_gap
            add(gap)
            pending_gap = ""
            open_start = pos
            if name == "unclassified" and sgml.startswith("\n", m.end()):
                last += 1
            attrs = {k.lower(): v.strip("\"'") for k, v in _ATTR.findall(m[3])}
            if attrs.get("pasource"):
                meta.setdefault("pa_sources", []).append(attrs["pasource"])
        stack.append(name)

    text, offsets = _normalise_cr("".join(pieces))
    spans = [(offsets[s], offsets[e], lab) for s, e, lab in raw_spans]
    if title_parts:
        meta["title"] = " ".join("".join(title_parts).split())
    if "pa_sources" in meta:
        meta["pa_sources"] = sorted(set(meta["pa_sources"]))
    if strip:
        stripped = []
        for s, e, lab in spans:
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                stripped.append((s, e, lab))
        spans = stripped
    else:
        spans = [sp for sp in spans if sp[1] > sp[0]]
    return MeterSpans(text=text, spans=spans, meta=meta)


def _normalise_cr(s: str) -> tuple[str, list[int]]:
    """``\\r\\n`` → ``\\n`` and lone ``\\r`` → ``\\n``; also the old→new offset map (len+1)."""
    if "\r" not in s:
        return s, list(range(len(s) + 1))
    out: list[str] = []
    offsets = [0] * (len(s) + 1)
    n = 0
    for i, ch in enumerate(s):
        offsets[i] = n
        if ch == "\r":
            if i + 1 < len(s) and s[i + 1] == "\n":
                continue
            ch = "\n"
        out.append(ch)
        n += 1
    offsets[len(s)] = n
    return "".join(out), offsets


def load_meter_spans(
    root: Path | str,
    domain: str = DEFAULT_DOMAIN,
    *,
    tagged_only: bool = True,
    strip: bool = True,
) -> dict[str, MeterSpans]:
    """Read ``newspapers/annotated/<domain>/<date>/<catchline>/*.sgml`` keyed by newspaper id.

    Ids are those of :func:`load_meter` (``newspapers/<domain>/<date>/<catchline>/<stem>``). With
    ``tagged_only`` (default) only documents carrying at least one ``Verbatim``/``Rewrite``/``New``
    span are returned (the others are ``<unclassified>`` bodies with no span ground truth).
    """
    root = Path(root)
    ann_dir = root / "newspapers" / "annotated" / domain
    if not ann_dir.is_dir():
        raise FileNotFoundError(f"no METER annotations (missing {ann_dir})")
    files = _story_files(ann_dir, {".sgml"})
    out: dict[str, MeterSpans] = {}
    for (date, catch, f), aid in zip(files, _ids_for("newspapers", domain, files), strict=True):
        doc = parse_meter_sgml(decode_text(f.read_bytes()), strip=strip)
        if tagged_only and not doc.tagged:
            continue
        doc.meta.update({"origin": str(f), "folder_date": date, "catchline": catch})
        out[aid] = doc
    return out


def project_spans(spans: MeterSpans, raw_text: str) -> list[tuple[int, int, str]]:
    """Map ``spans`` (offsets into ``spans.text``) onto ``raw_text``, the article's raw text.

    Spans inside the common prefix of the two texts (the usual case: they differ only in trailing
    whitespace) keep their offsets. Otherwise the texts are aligned character by character
    (``difflib``): a span starts at the raw position of its first aligned character and ends after
    its last one; spans with no aligned character are dropped.
    """
    a, b = spans.text, raw_text
    prefix = 0
    limit = min(len(a), len(b))
    while prefix < limit and a[prefix] == b[prefix]:
        prefix += 1
    if all(e <= prefix for _, e, _ in spans.spans):
        return list(spans.spans)
    import difflib

    a2b = [-1] * len(a)
    for i, j, n in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        a2b[i:i + n] = range(j, j + n)
    out = []
    for s, e, lab in spans.spans:
        hits = [a2b[k] for k in range(s, e) if a2b[k] >= 0]
        if hits:
            out.append((hits[0], hits[-1] + 1, lab))
    return out
