"""Wire agencies: how outlets name them and how texts credit them (user-extendable).

Used as direction evidence: an article from a wire agency, or one that other articles credit, is
more likely the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Span


@dataclass(frozen=True)
class Agency:
    """A wire agency: its canonical name, outlet aliases, and regexes for in-text credits."""

    name: str
    aliases: tuple[str, ...]
    credits: tuple[str, ...]


AGENCIES: list[Agency] = [
    Agency("Associated Press", ("associated press", "the associated press", "ap", "ap news"),
           (r"\bAssociated Press\b", r"\(AP\)")),
    Agency("Reuters", ("reuters", "thomson reuters", "reuters news"), (r"\bReuters\b",)),
    Agency("AFP", ("afp", "agence france-presse", "agence france presse"),
           (r"\bAFP\b", r"\bAgence France[- ]Presse\b")),
    Agency("Press Association", ("press association", "pa", "pa media", "the press association"),
           (r"\bPress Association\b", r"\bPA Media\b", r"\(PA\)")),
    Agency("dpa", ("dpa", "deutsche presse-agentur"), (r"\bdpa\b", r"\bDeutsche Presse-Agentur\b")),
    Agency("EFE", ("efe", "agencia efe"), (r"\bEFE\b",)),
    Agency("ANSA", ("ansa",), (r"\bANSA\b",)),
    Agency("Kyodo", ("kyodo", "kyodo news"), (r"\bKyodo\b",)),
    Agency("Xinhua", ("xinhua", "xinhua news agency"), (r"\bXinhua\b",)),
    Agency("UPI", ("upi", "united press international"), (r"\bUPI\b", r"\bUnited Press International\b")),
    Agency("Bloomberg", ("bloomberg", "bloomberg news"), (r"\bBloomberg News\b",)),
    Agency("PTI", ("pti", "press trust of india"), (r"\bPress Trust of India\b", r"\(PTI\)")),
    Agency("ANP", ("anp",), (r"\bANP\b",)),
    Agency("TASS", ("tass",), (r"\bTASS\b",)),
    Agency("Canadian Press", ("canadian press", "the canadian press", "cp"), (r"\bCanadian Press\b",)),
    Agency("AAP", ("aap", "australian associated press"), (r"\bAustralian Associated Press\b", r"\(AAP\)")),
]


def register(agency: Agency) -> None:
    """Add a wire agency (e.g. a national agency) to the known list."""
    AGENCIES.append(agency)
    _compiled.cache = None  # type: ignore[attr-defined]


def _compiled() -> list[tuple[str, re.Pattern[str], tuple[str, ...] | None]]:
    """Per agency: its name, its credit regexes as one pattern, and the literal strings one of which
    any match holds (None: no such guarantee, always search)."""
    cache = getattr(_compiled, "cache", None)
    if cache is None:
        cache = []
        for a in AGENCIES:
            needles = [literal_core(c) for c in a.credits]
            cache.append((a.name, re.compile("|".join(a.credits)), None if None in needles else tuple(needles)))
        _compiled.cache = cache  # type: ignore[attr-defined]
    return cache  # type: ignore[no-any-return]


_META = set(".^$*+?{}[]|()")
_BREAK_ESCAPES = set("bBdDsSwWAZ")  # escapes that match no fixed character and take no argument


def literal_core(pattern: str) -> str | None:
    """The longest run of plain characters a regex needs in every match ('Agence France' of
    r'\bAgence France[- ]Presse\b'), or None when the pattern is not simple enough to tell (groups,
    alternation, other escapes): a cheap ``in`` test then spares most texts the regex search."""
    runs, run, i = [], "", 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            nxt = pattern[i + 1 : i + 2]
            if nxt in _BREAK_ESCAPES:
                runs.append(run)
                run = ""
            elif nxt and not nxt.isalnum():
                run += nxt
            else:  # \x41, \1, \p...: not worth reading
                return None
            i += 2
            continue
        if ch in "|()":
            return None
        if ch in _META:
            if ch in "*?{" and run:  # the character before is optional
                run = run[:-1]
            runs.append(run)
            run = ""
            if ch in "[{":  # skip the class or the repeat count
                close = pattern.find("]" if ch == "[" else "}", i + 1)
                if (close < 0 or "\\" in pattern[i:close] or pattern[i + 1 : i + 2] == "]"
                        or pattern[i + 1 : i + 3] == "^]"):
                    return None
                i = close
        else:
            run += ch
        i += 1
    runs.append(run)
    best = max(runs, key=len)
    return best if len(best) >= 2 else None


def agency_of_outlet(outlet: str | None) -> str | None:
    """The agency an outlet name denotes ('AP' → 'Associated Press'), or None for other outlets."""
    if not outlet:
        return None
    key = outlet.strip().casefold()
    for agency in AGENCIES:
        if key == agency.name.casefold() or key in agency.aliases:
            return agency.name
    return None


def _named_in(text: str) -> set[str]:
    """Agencies whose credit patterns occur in the text (the regex only runs where a literal does).

    One search for any agency's literal comes first: most texts hold none. In a text that holds
    one, one more pass finds every literal it holds (``_literal_scan``), and only the agencies one
    of whose literals is among them are searched with their regex."""
    scan = _literal_scan()
    if scan is None:  # some agency's patterns have no literal every match holds: search them all
        return {name for name, pattern, needles in _compiled()
                if (needles is None or any(n in text for n in needles)) and pattern.search(text)}
    first, every, holders = scan
    found = first.search(text)
    if found is None:
        return set()
    candidates: set[int] = set()
    for m in every.finditer(text, found.start()):
        candidates |= holders[m.group(1)]
    compiled = _compiled()
    return {compiled[k][0] for k in sorted(candidates) if compiled[k][1].search(text)}


def _literal_scan() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, frozenset[int]]] | None:
    """The agencies' credit literals as a trie regex (``_trie``): one search for the first literal a
    text holds, one pass for the longest literal starting at each position (a lookahead, so literals
    that overlap are all seen), and per literal the agencies (positions in ``_compiled()``) having
    a literal that is a prefix of it. A literal occurs at a position exactly when it is a prefix of
    the longest one starting there, so those agencies are exactly the ones with a literal in the
    text. None when some agency's patterns have no literal every match holds."""
    compiled = _compiled()
    cache = getattr(_literal_scan, "cache", None)
    if cache is None or cache[0] is not compiled:
        literals = sorted({n for _, _, needles in compiled for n in (needles or ())})
        value = None
        if literals and all(needles is not None for _, _, needles in compiled):
            trie = _trie(literals)
            holders = {lit: frozenset(k for k, (_, _, needles) in enumerate(compiled)
                                      if any(lit.startswith(n) for n in needles or ()))
                       for lit in literals}
            value = (re.compile(trie), re.compile(f"(?=({trie}))"), holders)
        cache = _literal_scan.cache = (compiled, value)  # type: ignore[attr-defined]
    return cache[1]  # type: ignore[no-any-return]


def _trie(words: list[str]) -> str:
    """A regex matching the longest of ``words`` that starts at a position: their trie, each node's
    children as alternatives with distinct first characters (faster to search than the words'
    alternation), an end of a word making the rest optional (greedy: the longest match is tried first)."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(root)


def credited_agencies(text: str, boilerplate: list[Span] = ()) -> set[str]:  # type: ignore[assignment]
    """Agencies a text credits in its own words ('according to the Associated Press', 'Reuters
    reported'), outside photo captions, datelines and copyright lines."""
    skip = [s for s in boilerplate if s.kind in ("caption", "dateline", "metadata")
            or (s.kind == "credit" and text[s.start:s.end].lstrip().startswith(("Copyright", "©")))]
    pieces, last = [], 0
    for span in skip:
        pieces.append(text[last:span.start])
        last = span.end
    pieces.append(text[last:])
    return _named_in(" ".join(pieces))


def marked_agencies(text: str, boilerplate: list[Span]) -> set[str]:
    """Agencies whose copy a text says it is: named in its dateline ('CAIRO (AP) —') or copyright line."""
    found: set[str] = set()
    for s in boilerplate:
        piece = text[s.start:s.end]
        if s.kind == "dateline" or (s.kind == "credit" and piece.lstrip().startswith(("Copyright", "©"))):
            found |= _named_in(piece)
    return found
