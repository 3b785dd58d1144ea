"""Article metadata as inputs give it: dates in the common formats, outlets derived from URLs.

Dates become ISO 8601 (``YYYY-MM-DD``, or a full timestamp when a time is given) because the
direction evidence compares dates as ISO strings.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from urllib.parse import urlsplit

_DMY = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")
_YMD_SLASH = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_TEXT_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%A, %B %d, %Y",
                 "%d %B, %Y", "%Y年%m月%d日")
_EPOCH_MIN, _EPOCH_MAX = 0, 4_102_444_800  # 1970 .. 2100, in seconds
_HOST_PREFIXES = ("www.", "www1.", "www2.", "m.", "mobile.", "amp.", "edition.", "beta.")


def parse_date(value: object) -> str | None:
    """An ISO date for a date value in a common format, or None if it is not recognisably a date.

    Accepts ISO 8601 (with or without time, ``Z``), RFC 2822 (``Thu, 27 May 2021 10:00:00 GMT``),
    ``27.05.2021``/``27/05/2021`` (day first, as outside the US), ``2021/05/27``, ``20210527``,
    ``May 27, 2021``, ``27 May 2021``, ``2021年5月27日``, Unix timestamps and date/datetime objects.
    """
    if isinstance(value, dt.datetime):
        return _iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return _from_epoch(float(value))
    text = " ".join(str(value).split())
    if not text:
        return None
    for parse in (_from_iso, _from_rfc2822, _from_numeric, _from_words):
        found = parse(text)
        if found is not None:
            return found
    return None


def _iso(moment: dt.datetime) -> str:
    """A datetime as ISO text; midnight without a zone stays a plain date."""
    if moment.tzinfo is None and moment.time() == dt.time():
        return moment.date().isoformat()
    return moment.isoformat()


def _from_epoch(seconds: float) -> str | None:
    """A Unix timestamp (seconds, or milliseconds if it is that large) as an ISO UTC timestamp."""
    if seconds > _EPOCH_MAX * 1000 or seconds != seconds:
        return None
    if seconds > _EPOCH_MAX:
        seconds /= 1000
    if seconds < _EPOCH_MIN:
        return None
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).isoformat()


def _from_iso(text: str) -> str | None:
    """ISO 8601 date or timestamp (``Z`` accepted)."""
    try:
        return _iso(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return None


def _from_rfc2822(text: str) -> str | None:
    """E-mail/HTTP style dates, as in RSS feeds and WARC/HTTP headers."""
    if "," not in text and not re.search(r"[A-Za-z]{3} \d{4} \d", text):
        return None
    try:
        return email.utils.parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _from_numeric(text: str) -> str | None:
    """All-digit dates: day-first with dots/slashes, year-first with slashes, or compact YYYYMMDD."""
    for pattern, order in ((_YMD_SLASH, (0, 1, 2)), (_DMY, (2, 1, 0)), (_COMPACT, (0, 1, 2))):
        match = pattern.fullmatch(text)
        if match:
            parts = [int(group) for group in match.groups()]
            try:
                return dt.date(parts[order[0]], parts[order[1]], parts[order[2]]).isoformat()
            except ValueError:
                return None
    if text.isdigit() and len(text) in (10, 13):
        return _from_epoch(float(text))
    return None


def _from_words(text: str) -> str | None:
    """Dates with month names (English) or the CJK year-month-day form."""
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    for fmt in _TEXT_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def outlet_from_url(url: str | None) -> str | None:
    """The outlet of a URL: its registered domain (``bbc.co.uk`` for ``https://www.bbc.co.uk/news``).

    Falls back to the host without ``www.``/``m.``-style prefixes when the suffix is not a known TLD.
    """
    if not url:
        return None
    try:
        host = (urlsplit(url.strip()).hostname or "").rstrip(".")
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    from tld import get_fld

    domain = get_fld(host, fix_protocol=True, fail_silently=True)
    if domain:
        return str(domain)
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            return host[len(prefix):]
    return host
