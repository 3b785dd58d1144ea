"""Writing small WARC archives in tests with warcio (CC-NEWS layout: request + response records)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


def page(title: str, body: str, date: str | None = None, canonical: str | None = None) -> bytes:
    """A news-like HTML page with the metadata trafilatura reads."""
    paragraphs = "".join(f"<p>{para}</p>" for para in body.split("\n\n"))
    head = f"<title>{title}</title>"
    if date:
        head += f'<meta property="article:published_time" content="{date}">'
    if canonical:
        head += f'<link rel="canonical" href="{canonical}">'
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8">{head}</head><body>'
            f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{paragraphs}</article>"
            "<footer>Contact us</footer></body></html>").encode("utf-8")


def write_warc(path: Path, responses: list[tuple[str, bytes, str]], gzip: bool = True,
               fetched: str = "2024-03-05T10:00:00Z") -> Path:
    """Write a WARC with a request and a response record per (url, payload, content type)."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        for url, payload, content_type in responses:
            request = writer.create_warc_record(url, "request", payload=BytesIO(b""),
                                                http_headers=StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")],
                                                                              is_http_request=True),
                                                warc_headers_dict={"WARC-Date": fetched})
            writer.write_record(request)
            status = "200 OK" if not content_type.startswith("!") else content_type[1:]
            headers = StatusAndHeaders(status, [("Content-Type", content_type.lstrip("!") if status == "200 OK"
                                                 else "text/html")], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=BytesIO(payload), http_headers=headers,
                                               warc_headers_dict={"WARC-Date": fetched})
            writer.write_record(record)
    return path
