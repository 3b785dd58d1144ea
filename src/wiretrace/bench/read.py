"""Reader benchmark: throughput and peak memory of the readers on generated inputs, and how fast
hostile inputs are refused.

    python -m wiretrace.bench.read [--out DIR] [--articles N] [--pages N]

Generates (in a temporary folder, never in the repository) a gzip JSONL feed, a CC-NEWS style
WARC.gz, a zstd CSV, a 1 GiB zip bomb and a sparse 200 MB text file; reads each in a fresh process
and writes ``read.json``: seconds, articles per second, MB (inflated) per second and the process's
peak resident memory, plus tokenizer speed for English and Chinese text.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import multiprocessing
import platform
import random
import resource
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

WORDS = ("water law parliament drought reservoir minister farmers irrigation desalination plant coast "
         "vote opposition budget rainfall tourism summer limits golf rain south statement university "
         "scientists estimate demand energy prices compensation growers association euros years").split()
HANZI = "国家气象局发布消息今年入夏以来华北地区降雨量比常年同期偏少部分水库蓄水降至近十年最低水平"


def _article(rng: random.Random, words: int) -> str:
    """A synthetic article: paragraphs of random sentences over a small news vocabulary."""
    sentences = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."
                 for _ in range(words // 14)]
    return "\n\n".join(" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4))


def make_inputs(folder: Path, articles: int, pages: int, seed: int = 7) -> dict[str, Path]:
    """Write the benchmark inputs into ``folder``; returns their paths by name."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(seed)
    paths = {"jsonl.gz": folder / "feed.jsonl.gz", "warc.gz": folder / "crawl.warc.gz",
             "csv.zst": folder / "table.csv.zst", "bomb.jsonl.gz": folder / "bomb.jsonl.gz",
             "huge.txt": folder / "huge.txt"}
    with gzip.open(paths["jsonl.gz"], "wt", encoding="utf-8") as feed:
        for i in range(articles):
            feed.write(json.dumps({"id": f"a{i}", "text": _article(rng, 400), "date": "27 May 2021",
                                   "url": f"https://www.example{i % 50}.com/story/{i}"}) + "\n")
    with paths["warc.gz"].open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for i in range(pages):
            body = "".join(f"<p>{para}</p>" for para in _article(rng, 500).split("\n\n"))
            html = (f"<html><head><title>Story {i}</title></head><body><nav>Home</nav><article>{body}"
                    "</article></body></html>").encode()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://news{i % 20}.example/s/{i}", "response",
                                                          payload=io.BytesIO(html), http_headers=headers))
    import zstandard

    rows = io.StringIO()
    rows.write("id,text\n")
    for i in range(articles // 4):
        rows.write(f'c{i},"{_article(rng, 400)}"\n')
    paths["csv.zst"].write_bytes(zstandard.ZstdCompressor().compress(rows.getvalue().encode()))
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    with paths["bomb.jsonl.gz"].open("wb") as bomb:
        for _ in range(1024):
            bomb.write(packer.compress(b" " * (1 << 20)))
        bomb.write(packer.flush())
    with paths["huge.txt"].open("wb") as huge:
        huge.write(b"An absurdly long article. ")
        huge.truncate(200 * 2**20)
    return paths


def _read_one(path: str, queue: Any) -> None:
    """Child process: read one input through iter_articles; report counts, time and peak memory."""
    from wiretrace.read import iter_articles

    started = time.perf_counter()
    quarantine: list = []
    count = chars = 0
    for article in iter_articles([path], quarantine):
        count += 1
        chars += len(article.text)
    seconds = time.perf_counter() - started
    queue.put({"seconds": round(seconds, 3), "articles": count, "text_chars": chars,
               "quarantined": [entry.reason for entry in quarantine][:3],
               "peak_rss_mib": _peak_rss_mib()})


def _peak_rss_mib() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it does not carry the parent's peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure(path: Path, inflated_bytes: int | None) -> dict[str, Any]:
    """Read ``path`` in a fresh process and add throughput figures."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_read_one, args=(str(path), queue))
    child.start()
    row = queue.get()
    child.join()
    row["file_mib"] = round(path.stat().st_blocks * 512 / 2**20, 2)
    if row["articles"] and row["seconds"]:
        row["articles_per_second"] = round(row["articles"] / row["seconds"], 1)
    if inflated_bytes and row["seconds"]:
        row["inflated_mib_per_second"] = round(inflated_bytes / 2**20 / row["seconds"], 1)
    return row


def tokenizer_speed(rng: random.Random) -> dict[str, float]:
    """Characters per second of ``tokenize`` on English and on Chinese text."""
    from wiretrace.normalize import tokenize

    english = _article(rng, 200_000)
    chinese = "".join(rng.choice(HANZI) + ("。" if rng.random() < 0.05 else "") for _ in range(400_000))
    speeds = {}
    for name, text in (("english", english), ("chinese", chinese)):
        started = time.perf_counter()
        tokens = tokenize(text)
        seconds = time.perf_counter() - started
        speeds[f"{name}_mchars_per_second"] = round(len(text) / seconds / 1e6, 2)
        speeds[f"{name}_tokens"] = len(tokens)
    return speeds


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark and write ``read.json`` into ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--pages", type=int, default=500)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_inputs(Path(tmp), args.articles, args.pages)
        inflated = {name: _inflated_size(path) for name, path in paths.items() if name.endswith(".gz")}
        rows = {name: measure(path, inflated.get(name)) for name, path in paths.items()
                if name != "bomb.jsonl.gz"}
        rows["bomb.jsonl.gz"] = measure(paths["bomb.jsonl.gz"], None)
    result = {"machine": platform.platform(), "python": platform.python_version(),
              "articles": args.articles, "pages": args.pages, "inputs": rows,
              "tokenizer": tokenizer_speed(random.Random(3))}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "read.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))
    return result


def _inflated_size(path: Path) -> int | None:
    """Inflated size of a gzip file (None for the bomb, which is never inflated whole)."""
    if "bomb" in path.name:
        return None
    with gzip.open(path, "rb") as handle:
        return sum(len(chunk) for chunk in iter(lambda: handle.read(1 << 20), b""))


if __name__ == "__main__":
    main()
