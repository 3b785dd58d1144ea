"""Fuzzing every reader and `compare` with hypothesis: no input may crash a run.

Each reader target mutates a valid sample of its format (byte edits, truncation, splicing) or
feeds raw bytes, writes the result under the format's suffix and reads it through the per-file
error boundary *and* through ``read_article`` (which must fail only with ``InputError``). Every
article read must be plain, non-empty text. The inputs that once broke a reader are kept in
``corpus/<target>/`` and replayed first.

Budget: ``WIRETRACE_FUZZ_EXAMPLES`` examples per target (default 100: one to three seconds each in
``make test``); ``WIRETRACE_FUZZ_SAVE=1`` saves a failing input into the corpus.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wiretrace.errors import InputError
from wiretrace.model import Article, QuarantineEntry
from wiretrace.read import read_article
from wiretrace.read.files import read_file
from wiretrace.read.items import Read

sys.path.insert(0, str(Path(__file__).parents[1] / "read"))
from warcs import page, write_warc  # noqa: E402

CORPUS = Path(__file__).parent / "corpus"
EXAMPLES = int(os.environ.get("WIRETRACE_FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("WIRETRACE_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

STORY = "LISBON (AP) — Parliament approved a water law on Tuesday. 北京时间 مرحبا بالعالم שָׁלוֹם\nSecond line."


def _parquet_sample() -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.table({"id": ["a", "b"], "text": [STORY, "Other text."], "date": ["2021-05-27", None]}), buffer)
    return buffer.getvalue()


def _warc_sample() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_warc(Path(tmp) / "s.warc", [("https://x.org/a", page("T", STORY, "2021-05-27"), "text/html"),
                                                  ("https://x.org/b.png", b"\x89PNG", "image/png")], gzip=False)
        return path.read_bytes()


SAMPLES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "txt": (".txt", lambda: (" date 2021-05-27 " + STORY).encode("utf-8")),
    "unknown": ("", lambda: STORY.encode("cp1252", errors="replace")),
    "jsonl": (".jsonl", lambda: "".join(json.dumps({"id": i, "text": STORY, "date": "May 27, 2021"},
                                                   ensure_ascii=i % 2 == 0) + "\n" for i in range(3)).encode()),
    "json": (".json", lambda: json.dumps([{"id": "a", "text": STORY}, {"text": "b"}]).encode()),
    "csv": (".csv", lambda: ('id,text,date\na,"' + STORY + '",27/05/2021\nb,"x ""q"" y",\n').encode("utf-8")),
    "tsv": (".tsv", lambda: ("id\ttext\na\t" + STORY.replace("\n", " ") + "\n").encode("utf-16")),
    "parquet": (".parquet", _parquet_sample),
    "html": (".html", lambda: page("Title", STORY, "2021-05-27", "https://x.org/c")),
    "warc": (".warc", _warc_sample),
    "jsonl.gz": (".jsonl.gz", lambda: gzip.compress(SAMPLES["jsonl"][1]())),
    "csv.zst": (".csv.zst", lambda: zstandard.ZstdCompressor().compress(SAMPLES["csv"][1]())),
    "warc.gz": (".warc.gz", lambda: gzip.compress(_warc_sample())),
}


@st.composite
def mutated(draw: st.DrawFn, sample: bytes) -> bytes:
    """A sample with a few random byte edits: replace, insert, delete, duplicate a slice, truncate."""
    data = bytearray(sample)
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["replace", "insert", "delete", "splice", "truncate"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "replace" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8) | st.sampled_from(
                [b"\n", b"\r", b'"', b"{", b"<div>" * 50, b"\x00", b"\xff\xfe", b"\xe2\x80", b"WARC/1.0\r\n"]))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif op == "splice":
            end = min(len(data), at + draw(st.integers(1, 200)))
            data[at:at] = data[at:end]
        elif op == "truncate":
            del data[at:]
    return bytes(data)


def fuzz_input(target: str) -> st.SearchStrategy[bytes]:
    """Inputs for one target: mostly mutated samples, some raw bytes, some untouched samples."""
    sample = SAMPLES[target][1]()
    return st.one_of(mutated(sample), st.binary(max_size=512), st.just(sample))


def check_reader(target: str, data: bytes) -> None:
    """The invariants: no exception escapes; articles are plain non-empty text; entries name the file."""
    suffix = SAMPLES[target][0]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzzed{suffix}"
        path.write_bytes(data)
        try:
            items = list(read_file(path))
            for item in items:
                assert isinstance(item, (Read, QuarantineEntry))
                if isinstance(item, Read):
                    article = item.article
                    assert isinstance(article, Article) and isinstance(article.text, str) and article.text.strip()
                    assert article.id and isinstance(article.id, str)
                    json.dumps(article.meta, default=str)
                else:
                    assert item.file == str(path) and item.reason
            try:
                read_article(path)
            except InputError:
                pass
        except BaseException:
            if os.environ.get("WIRETRACE_FUZZ_SAVE"):
                folder = CORPUS / target.replace(".", "_")
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"found-{abs(hash(data)):x}.bin").write_bytes(data)
            raise


def corpus_cases() -> list[tuple[str, Path]]:
    """(target, file) for every saved input in the corpus."""
    targets = {name.replace(".", "_"): name for name in SAMPLES}
    return [(targets[folder.name], file) for folder in sorted(CORPUS.iterdir()) if folder.name in targets
            for file in sorted(folder.iterdir())]


@pytest.mark.parametrize(("target", "file"), corpus_cases(), ids=lambda value: getattr(value, "name", value))
def test_corpus_inputs_do_not_crash(target: str, file: Path) -> None:
    check_reader(target, file.read_bytes())


def _fuzz_test(target: str) -> Callable[[], None]:
    @FUZZ
    @given(fuzz_input(target))
    def test(data: bytes) -> None:
        check_reader(target, data)

    test.__name__ = f"test_fuzz_{target.replace('.', '_')}_reader"
    return test


for _target in SAMPLES:
    _test = _fuzz_test(_target)
    globals()[_test.__name__] = _test
