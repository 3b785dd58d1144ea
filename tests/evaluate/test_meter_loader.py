"""The METER loader on a tiny synthetic corpus that mimics the real layout.

Every text here is invented for the test; nothing is taken from the METER corpus.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wiretrace.evaluate.meter import (
    MeterSpans,
    decode_text,
    folder_date,
    load_meter,
    load_meter_spans,
    outlet_name,
    pa_header,
    parse_meter_sgml,
    project_spans,
)
from wiretrace.model import Article

RULE = b"  " + b"-" * 72 + b"\n"


def pa_bytes(stamp: str, slug: str, paragraphs: list[bytes], marker: bytes = b"end") -> bytes:
    head = RULE + b"\n" + RULE + b"\n" + b" " * 14 + f"{stamp}: {slug}".encode() + b"\n" + RULE
    body = b"".join(
        (b"" if i == 0 else b"\x19") + p + b"<\n" for i, p in enumerate(paragraphs)
    )
    return head + body + b"\x19" + marker + b"<\n\x19\n"


PA_BENCH1 = pa_bytes(
    "14:05 11/09/99",
    "Page 1 (HHH) COURTS Bench",
    [
        b"(with pic)",
        b"BAKER FINED #2,000 OVER MOULDY LOAVES",
        b"By Ann Example, PA News",
        b"A baker was today fined #2,000 after inspectors found mould on\nloaves on sale.",
        b"The magistrates said the shop had ``ignored repeated warnings''.",
    ],
)
PA_BENCH2 = pa_bytes(
    "15:40 11/09/99",
    "Page 2 (HHH) COURTS Bench",
    [b"The baker, 52, told the court he was sorry.", b"He will appeal."],
    marker=b"mfl",
)
PA_LORRY = pa_bytes(
    "09:12 02/01/00",
    "Page 1 (HHH) COURTS Lorry MP",
    [b"MP CRITICISES LORRY RULING", b"An MP today criticised a court ruling on lorries."],
)

# CRLF, latin-1 pound sign, cp1252 curly quotes
NP_TIMES = (
    b"A BAKER was fined \xa32,000 yesterday after mould was found on loaves.\r\n\r\n"
    b"Magistrates said he had \x93ignored repeated warnings\x94 & must pay costs.\r\n\r\n"
)
NP_MIRROR = b"A baker said sorry yesterday.\n\nHe will appeal.\n"
NP_CHRONICLE = b"Bread scandal in town.\n"
NP_SUN = b"AN MP has blasted judges over lorries.\n"
NP_STAR = b"A story with no wire copy behind it.\n"

# SGML of NP_TIMES as the annotation tool writes it: one element per line, a CRLF split by a
# closing tag, a space left outside a tag, an entity.
SGML_TIMES = (
    b'<!DOCTYPE meterdocument SYSTEM "meter.dtd" [\n]>\n\n'
    b'<meterdocument \tfilename="/meter_corpus/newspapers/annotated/courts/11.09.99/bench/'
    b'bench213_times.sgml" newspaper="times" domain="courts" classification="wholly-derived" '
    b'pagenumber="3" date="11.09.99" catchline="bench">\n\n<body>\n\n\n'
    b'<Rewrite PAsource="" >A BAKER was fined </Rewrite>\n'
    b'<Verbatim PAsource="" >\xa32,000</Verbatim> \n'
    b'<New PAsource="" >yesterday </New>\n'
    b'<Rewrite PAsource="" >after mould was found on loaves.\r\n\r</Rewrite>\n\n'
    b'<Rewrite PAsource="" >Magistrates said he had </Rewrite>\n'
    b'<Verbatim PAsource="" >\x93ignored repeated warnings\x94 </Verbatim>\n'
    b'<New PAsource="" >&amp; must pay costs.\r\n\r\n</New>\n'
    b"\n\n</body>\n</meterdocument>\n"
)
SGML_MIRROR = (
    b'<!DOCTYPE meterdocument SYSTEM "meter.dtd" [\n]>\n\n'
    b'<meterdocument \tfilename="x" newspaper="mirror" domain="courts" '
    b'classification="partially-derived" pagenumber="9" date="11.09.99" catchline="bench">\n\n'
    b"<body>\n<unclassified>\n" + NP_MIRROR + b"</unclassified>\n</body>\n</meterdocument>\n"
)


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def make_corpus(root: Path, domain: str = "courts") -> Path:
    pa = root / "PA" / "rawtexts" / domain
    np_ = root / "newspapers" / "rawtexts" / domain
    ann = root / "newspapers" / "annotated" / domain
    idx = root / "file_index" / domain
    write(pa / "readme.txt", b"Each directory holds one day.\n")
    write(pa / "11.09.99" / "bench" / "bench1.txt", PA_BENCH1)
    write(pa / "11.09.99" / "bench" / "bench2sub.txt", PA_BENCH2)
    write(pa / "11.09.99" / "bench" / "bench1.txt~", b"editor backup\n")
    write(pa / "02.01.00" / "lorry" / "lorry1mp.sub", PA_LORRY)
    write(np_ / "readme.txt", b"Each directory holds one day.\n")
    write(np_ / "11.09.99" / "bench" / "bench213_times.txt", NP_TIMES)
    write(np_ / "11.09.99" / "bench" / "bench214_mirror.txt", NP_MIRROR)
    write(np_ / "11.09.99" / "bench" / "bench215_chronicle.txt", NP_CHRONICLE)
    write(np_ / "02.01.00" / "lorry" / "lorry7_sun.txt", NP_SUN)
    write(np_ / "02.01.00" / "orphan" / "orphan9_star.txt", NP_STAR)
    write(ann / "11.09.99" / "bench" / "bench213_times.sgml", SGML_TIMES)
    write(ann / "11.09.99" / "bench" / "bench214_mirror.sgml", SGML_MIRROR)
    write(ann / "11.09.99" / "bench" / "bench213_times.aat", b"<BEGIN ANNO>\n")
    pre = f"meter_corpus/newspapers/rawtexts/{domain}/"
    write(idx / "wholly_derived.txt", f"{pre}11.09.99/bench/bench213_times.txt\r\n".encode())
    write(
        idx / "partially_derived.txt",
        f"{pre}11.09.99/bench/bench214_mirror.txt\r\n{pre}02.01.00/lorry/lorry7_sun.txt\r\n"
        f"{pre}11.09.99/bench/bench215_chronicle.txt\r\n\r\n".encode(),
    )
    write(
        idx / "non_derived.txt",
        f"{pre}02.01.00/orphan/orphan9_star.txt\r\n{pre}02.01.00/lorry/lorry8_ghost.txt\r\n".encode(),
    )
    write(idx / "wholly_derived.txt.bak", b"newspapers/rawtexts/whatever.txt\r\n")
    return root


@pytest.fixture
def corpus_root(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "meter_corpus")


B = "newspapers/courts/11.09.99/bench/"


def test_ids_and_kinds(corpus_root: Path) -> None:
    c = load_meter(corpus_root)
    assert all(isinstance(a, Article) for a in c.articles)
    ids = [a.id for a in c.articles]
    assert ids == [
        "PA/courts/02.01.00/lorry/lorry1mp",
        "PA/courts/11.09.99/bench/bench1",
        "PA/courts/11.09.99/bench/bench2sub",
        "newspapers/courts/02.01.00/lorry/lorry7_sun",
        "newspapers/courts/02.01.00/orphan/orphan9_star",
        B + "bench213_times",
        B + "bench214_mirror",
        B + "bench215_chronicle",
    ]
    assert len(c.pa) == 3 and len(c.newspapers) == 5
    assert set(c.by_id()) == set(ids)


def test_gold_and_candidates(corpus_root: Path) -> None:
    c = load_meter(corpus_root)
    assert c.gold == {
        B + "bench213_times": "wholly",
        B + "bench214_mirror": "partially",
        B + "bench215_chronicle": "partially",
        "newspapers/courts/02.01.00/lorry/lorry7_sun": "partially",
        "newspapers/courts/02.01.00/orphan/orphan9_star": "none",
    }
    assert c.unmatched_gold == [
        ("none", "meter_corpus/newspapers/rawtexts/courts/02.01.00/lorry/lorry8_ghost.txt")
    ]
    assert c.gold_conflicts == []
    bench_pa = ["PA/courts/11.09.99/bench/bench1", "PA/courts/11.09.99/bench/bench2sub"]
    assert c.candidate_sources[B + "bench213_times"] == bench_pa
    assert c.candidate_sources[B + "bench215_chronicle"] == bench_pa
    assert c.candidate_sources["newspapers/courts/02.01.00/lorry/lorry7_sun"] == [
        "PA/courts/02.01.00/lorry/lorry1mp"
    ]
    assert c.candidate_sources["newspapers/courts/02.01.00/orphan/orphan9_star"] == []
    assert set(c.candidate_sources) == {a.id for a in c.newspapers}


def test_gold_conflict_is_reported(corpus_root: Path) -> None:
    idx = corpus_root / "file_index" / "courts" / "non_derived.txt"
    idx.write_bytes(
        idx.read_bytes()
        + b"/meter_corpus/newspapers/rawtexts/courts/11.09.99/bench/bench213_times.txt\r\n"
    )
    c = load_meter(corpus_root)
    assert c.gold[B + "bench213_times"] == "wholly"
    assert c.gold_conflicts == [(B + "bench213_times", "wholly", "none")]


def test_newspaper_fields(corpus_root: Path) -> None:
    by = load_meter(corpus_root).by_id()
    times = by[B + "bench213_times"]
    assert times.outlet == "The Times"
    assert times.date == "1999-09-11"
    assert times.title is None
    assert times.text == NP_TIMES.decode("cp1252").replace("\r\n", "\n")
    assert "\r" not in times.text
    assert "£2,000" in times.text and "\u201cignored repeated warnings\u201d" in times.text
    assert times.meta["paper"] == "times" and times.meta["folder_date"] == "11.09.99"
    assert times.origin.endswith("bench213_times.txt")
    assert by[B + "bench214_mirror"].outlet == "Daily Mirror"
    assert by[B + "bench215_chronicle"].outlet == "chronicle"
    assert by["newspapers/courts/02.01.00/lorry/lorry7_sun"].date == "2000-01-02"


def test_newspaper_date_offset(corpus_root: Path) -> None:
    by = load_meter(corpus_root, newspaper_date_offset=1).by_id()
    assert by[B + "bench213_times"].date == "1999-09-12"
    assert by["PA/courts/11.09.99/bench/bench1"].date == "1999-09-11"


def test_pa_fields_and_header_kept_in_text(corpus_root: Path) -> None:
    by = load_meter(corpus_root).by_id()
    pa = by["PA/courts/11.09.99/bench/bench1"]
    assert pa.outlet == "Press Association"
    assert pa.date == "1999-09-11"
    assert pa.text == PA_BENCH1.decode("latin-1")  # nothing stripped
    m = pa.meta
    assert m["pa_timestamp"] == "1999-09-11T14:05"
    assert m["pa_page"] == "Page 1 (HHH)"
    assert m["pa_slug"] == "COURTS Bench"
    assert m["end_marker"] == "end"
    assert pa.text[: m["header_end"]] == m["header"]
    assert pa.text[m["header_end"]:].startswith("(with pic)<\n\x19BAKER")
    assert pa.text[: m["body_end"]].endswith("warnings''.<\n")
    assert pa.title == "BAKER FINED #2,000 OVER MOULDY LOAVES"

    take2 = by["PA/courts/11.09.99/bench/bench2sub"]
    assert take2.title is None  # continuation take: no headline
    assert take2.meta["pa_page"] == "Page 2 (HHH)" and take2.meta["end_marker"] == "mfl"

    sub = by["PA/courts/02.01.00/lorry/lorry1mp"]
    assert sub.meta["filename"] == "lorry1mp.sub"
    assert sub.meta["pa_slug"] == "COURTS Lorry MP"
    assert sub.title == "MP CRITICISES LORRY RULING"
    assert sub.date == "2000-01-02"


def test_pa_header_html_variant() -> None:
    text = (
        "\n<HTML><HEAD><TITLE>Search</TITLE></HEAD>\n<PRE>\n"
        "<H1><P>02:59 12/07/99: Page 1 (HHH) COURTS Widget</P></H1></CENTER><HR>WIDGET CASE<\n"
        "\x19Text here.<\n\x19end<\n\x19\n</PRE>\n</HTML>"
    )
    info = pa_header(text)
    assert text[info["header_end"]:].startswith("WIDGET CASE<")
    assert info["pa_timestamp"] == "1999-07-12T02:59" and info["pa_slug"] == "COURTS Widget"
    assert text[: info["body_end"]].endswith("Text here.<\n")
    assert info["end_marker"] == "end"


def test_pa_header_absent() -> None:
    info = pa_header("Just text.\nMore text.")
    assert info == {"header_end": 0, "body_end": len("Just text.\nMore text.")}


def test_domain_parameter(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "m", domain="showbiz")
    c = load_meter(root, domain="showbiz")
    assert c.domain == "showbiz"
    assert "newspapers/showbiz/11.09.99/bench/bench213_times" in c.gold
    assert all(a.meta["domain"] == "showbiz" for a in c.articles)
    with pytest.raises(FileNotFoundError):
        load_meter(root)  # no courts domain here
    spans = load_meter_spans(root, domain="showbiz")
    assert set(spans) == {"newspapers/showbiz/11.09.99/bench/bench213_times"}


def test_missing_gold_files_give_no_labels(corpus_root: Path) -> None:
    for f in (corpus_root / "file_index" / "courts").glob("*_derived.txt"):
        f.unlink()
    c = load_meter(corpus_root)
    assert c.gold == {} and c.unmatched_gold == []
    assert len(c.articles) == 8


def test_helpers() -> None:
    assert folder_date("11.09.99") == "1999-09-11"
    assert folder_date("03.04.00") == "2000-04-03"
    assert folder_date("31.12.99", offset_days=1) == "2000-01-01"
    assert folder_date("32.01.99") is None
    assert folder_date("bench") is None
    assert outlet_name("telegraph") == "The Daily Telegraph"
    assert outlet_name("zz") == "zz"
    # bytes cp1252 leaves undefined fall back to latin-1; one char per byte
    assert decode_text(b"a\x81b\x93c\x94\r\nd") == "a\x81b\u201cc\u201d\nd"
    assert decode_text(b"\xa3\xe9") == "£é"


# ---------------------------------------------------------------------------------------------
# SGML spans


def test_load_spans_text_and_labels(corpus_root: Path) -> None:
    spans = load_meter_spans(corpus_root)
    assert set(spans) == {B + "bench213_times"}  # the unclassified one is not tagged
    doc = spans[B + "bench213_times"]
    assert isinstance(doc, MeterSpans) and doc.tagged
    raw = load_meter(corpus_root).by_id()[B + "bench213_times"].text
    assert doc.text == raw
    got = [(doc.text[s:e], lab) for s, e, lab in doc.spans]
    assert got == [
        ("A BAKER was fined", "rewritten"),
        ("£2,000", "verbatim"),
        ("yesterday", "new"),
        ("after mould was found on loaves.", "rewritten"),
        ("Magistrates said he had", "rewritten"),
        ("\u201cignored repeated warnings\u201d", "verbatim"),
        ("& must pay costs.", "new"),
    ]
    assert doc.meta["classification"] == "wholly-derived"
    assert doc.meta["newspaper"] == "times" and doc.meta["pagenumber"] == "3"
    assert project_spans(doc, raw) == doc.spans


def test_load_spans_untagged_and_unstripped(corpus_root: Path) -> None:
    spans = load_meter_spans(corpus_root, tagged_only=False, strip=False)
    mirror = spans[B + "bench214_mirror"]
    assert not mirror.tagged and mirror.spans == []
    assert mirror.text == NP_MIRROR.decode("latin-1")
    assert mirror.meta["classification"] == "partially-derived"
    times = spans[B + "bench213_times"]
    # unstripped spans are the exact element contents and tile the tagged text
    assert [times.text[s:e] for s, e, _ in times.spans][:3] == [
        "A BAKER was fined ",
        "£2,000",
        "yesterday ",
    ]
    assert times.text[times.spans[1][1]] == " "  # the space left outside the tag is kept


def test_parse_sgml_nesting_entities_and_case() -> None:
    doc = parse_meter_sgml(
        '<meterdocument filename="f" newspaper="sun"><title>A &amp; B</title>\n<body>\n'
        '<verbatim PAsource="pa1">Tom &lt;3 &#163;5 &pound;6 </verbatim>\n'
        "<REWRITE>said</REWRITE>\n<New PAsource=''>.</New>\n</body></meterdocument>"
    )
    assert doc.text == "Tom <3 £5 £6 said."
    assert doc.spans == [(0, 12, "verbatim"), (13, 17, "rewritten"), (17, 18, "new")]
    assert doc.meta["title"] == "A & B"
    assert doc.meta["pa_sources"] == ["pa1"]
    assert doc.meta["newspaper"] == "sun"


def test_project_spans_onto_edited_text() -> None:
    doc = MeterSpans(
        text="The cat sat on the mat.",
        spans=[(0, 7, "verbatim"), (8, 11, "rewritten"), (19, 23, "new")],
    )
    raw = "  The big cat sat on the rug mat."
    out = project_spans(doc, raw)
    assert [(raw[s:e], lab) for s, e, lab in out] == [
        ("The big cat", "verbatim"),
        ("sat", "rewritten"),
        ("mat.", "new"),
    ]
    # identical prefix → offsets unchanged even if trailing whitespace differs
    assert project_spans(doc, doc.text + "\n\n") == doc.spans


def test_missing_annotation_dir(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_meter_spans(tmp_path)
