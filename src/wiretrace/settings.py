"""Every threshold and limit wiretrace uses, in one options object, each with why it has its value.

The decision thresholds (``wholly_share``, ``partial_share``, ``min_verbatim_tokens``) were calibrated
once on the METER courts corpus and are the same for every corpus; see ``docs/evaluation.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from .errors import UsageError


@dataclass(frozen=True)
class Settings:
    """All tunable values; pass one ``Settings`` to every stage (``Settings()`` is the default)."""

    # --- fingerprints -------------------------------------------------------------------------
    shingle_size: int = 5
    """Word n-gram size for Jaccard/containment and MinHash: 5 is the usual choice for news dedup."""
    num_perm: int = 128
    """MinHash permutations (as datasketch's default), giving a Jaccard estimate error of about 0.09."""
    lsh_bands: int = 32
    """LSH bands of ``num_perm // lsh_bands`` rows: 32×4 puts the 50%-catch threshold near Jaccard 0.42."""
    winnow_window: int = 4
    """Winnowing window over 5-gram hashes: any shared run of ``window + shingle_size - 1`` = 8 words
    is guaranteed to share a fingerprint, at about 40% of the shingles' index size."""

    # --- candidates ---------------------------------------------------------------------------
    max_df: int = 50
    """A fingerprint held by at most this many articles pairs them all (at most 1,225 pairs)..."""
    hubs: int = 8
    """...one held by more (a story reprinted hundreds of times; an LSH bucket over ``max_bucket``)
    pairs each holder with its ``hubs`` holders of lowest id hash only: candidates grow linearly
    with the reprints, and every copy still joins the cluster. Boilerplate is excluded before."""
    min_shared_fingerprints: int = 2
    """Candidate pairs must share at least this many rare fingerprints (one can be a stock phrase)."""
    max_bucket: int = 200
    """LSH buckets larger than this pair their members through ``hubs`` only."""
    boilerplate_min_df: int = 10
    """A fingerprint held by at least this many articles is checked for being corpus boilerplate (a
    footer, a disclaimer, a series tagline): a passage in ten otherwise unrelated articles is not
    evidence that any two of them copied each other (``wiretrace.boilerplate``)."""
    boilerplate_overlap: float = 0.5
    """...it is boilerplate when the median pair of a sample of those articles shares less than this
    share of the smaller one (reprints of one story share most of their text; articles under one
    footer share only the footer)."""
    boilerplate_sample: int = 8
    """How many of those articles (lowest id hash first, the same in every engine) are sampled."""

    # --- alignment ----------------------------------------------------------------------------
    seed_size: int = 3
    """Exact word-run length that seeds an alignment; tiles shorter than ``min_tile`` are dropped."""
    min_tile: int = 3
    """A region of tiles needs one run at least this long; rewriters keep three-word pieces (METER:
    macro-F1 0.588 with 4, 0.614 with 3)."""
    max_gap: int = 12
    """Two tiles join into one aligned region when at most this many words lie between them on
    each side; the gap is labelled ``rewritten`` when both sides have words in it."""
    bridge_gap: int = 20
    """After alignment, two passages that follow each other in both texts are bridged into one region
    (the words between ``rewritten``) when at most this many words lie between them on each side
    (``wiretrace.passages``). 20 over 12 or 30: generated-corpus plagdet 0.901 (12: 0.879) with
    METER degree macro-F1 unchanged (30 lowers it to 0.578); see ``docs/evaluation.md``."""
    sentence_fill_share: float = 0.67
    """A sentence pair whose passages (in order, mapping only onto each other) cover this share of
    both sentences is one reworded sentence: the words around and between them become ``rewritten``.
    Lower values (0.5, 0.34) add reporters' own sentences that share a quote on METER."""
    swapped_sentence_share: float = 0.34
    """...and when those passages cross (clauses swapped), this share is enough: the two sentences
    become one ``rewritten`` passage."""
    max_seed_occurrences: int = 20
    """A seed word-run repeated more often than this in either text is too common to anchor on."""
    sentence_similarity: float = 0.5
    """Lexical similarity (stem overlap) above which two unaligned sentences are ``rewritten`` from
    one another, provided the pair already shares verbatim text (see ``min_verbatim_tokens``)."""

    # --- relations ----------------------------------------------------------------------------
    long_run: int = 5
    """Verbatim runs at least this long are evidence of copying; shorter ones only extend it."""
    long_run_content_words: int = 2
    """...and hold at least this many words that are not stopwords: two unrelated texts share runs
    like "and that it was the" by chance."""
    min_verbatim_tokens: int = 8
    """Derivation needs at least this many words in verbatim runs of ``long_run``+ words; two independent reports of
    one event share names and short phrases, not several runs of copy."""
    wholly_share: float = 0.65
    """An article at least this much reused (share of its words in aligned passages) is ``wholly``
    derived; calibrated on METER courts."""
    partial_share: float = 0.25
    """...and at least this much is ``partially`` derived; below it, ``none``."""
    duplicate_share: float = 0.9
    """Both articles covered at least this much by aligned passages, and their content words at least
    this similar in order (Indel similarity, ``scores.edit_similarity``): a ``duplicate`` pair. A copy
    with OCR noise or typos stays a duplicate; moved paragraphs or reworded sentences make it
    ``derived``."""
    same_story_similarity: float = 0.25
    """Content-word cosine (stems) above which non-derived articles are called ``same_story``."""
    same_story_names: int = 3
    """...or at least this many shared names (capitalised words inside sentences)..."""
    same_story_name_overlap: float = 0.2
    """...making up at least this Jaccard share of both articles' names: reworded, same event."""
    min_source_confidence: float = 0.6
    """A direction guess below this confidence is not reported: ``source`` stays null."""

    # --- semantic (the ``semantic`` extra; calibrated on METER courts, see docs/semantic.md) ---
    semantic_passage_similarity: float = 0.6
    """Paragraph-embedding cosine above which the unaligned runs of two paragraphs of a copy are
    ``rewritten`` from one another; METER degree macro-F1 0.549 at 0.6 (0.472 at 0.5, 0.531 at 0.7,
    n-grams alone 0.506)."""
    semantic_candidate_similarity: float = 0.5
    """Article-embedding cosine above which two articles become a candidate pair: recall first
    (METER: the PA source of 69 of 70 wholly derived articles at 0.6, 56 from n-grams alone); no
    higher than ``same_story_semantic``, or same-story pairs would never be judged."""
    semantic_neighbours: int = 10
    """Nearest neighbours asked of the embedding index per article."""
    same_story_semantic: float = 0.5
    """Article-embedding cosine above which two articles without copied text are ``same_story``,
    given ``same_story_semantic_names`` shared names and ``same_story_semantic_words`` word cosine.
    Chosen on the generated corpus, seed 7 (same-event accounts found: 0.914 at 0.6, 0.943 at 0.55,
    1.0 at 0.5 and 0.45; the higher kept); METER, same court case vs other cases within the window:
    precision 0.992, recall 0.823 (before, 0.6 with names alone: 0.917 / 0.820). docs/semantic.md."""
    same_story_semantic_names: int = 2
    """...and at least this many shared names (people and places tell one court case from another)."""
    same_story_semantic_words: float = 0.25
    """...and content-word cosine (``scores.similarity``) at least this: accounts of one event share
    its words, two stories about the same people do not (generated same-topic negatives called
    ``same_story`` at cosine 0.5: 0.67 -> 0.12 on seed 7; METER precision 0.73 -> 0.99). The n-gram
    rule's ``same_story_similarity``, not refitted: 0.3 would suit the generator (0.06) but cost METER
    6 points of recall."""
    story_window_days: int = 3
    """Embedding candidates and semantic ``same_story`` need dates at most this many days apart
    (when both articles are dated): one event is reported within days."""

    # --- limits -------------------------------------------------------------------------------
    max_article_chars: int = 200_000
    """Longer texts are truncated for matching (offsets stay valid; the store keeps the full text);
    protects memory and time. 200,000 characters is about 30,000 words, longer than any news article;
    at this cap a 50 MB text costs under a second and 300 MB to compare with its copy (at 2,000,000 it
    was 11 s and 1 GB)."""

    # --- scale (store, index, query) ----------------------------------------------------------
    ingest_batch: int = 2000
    """A scan adds new articles to the store this many per transaction: a kill loses at most the
    batches not yet committed (a rerun adds them), and each commit syncs the store's log to disk, so
    fewer, larger commits read faster (a 100k-article read: 26.7 s in batches of 500, 24.0 in 2,000)."""
    scan_wave: int = 20_000
    """A scan compares new articles this many at a time, committing each wave's pairs: a kill loses
    at most one wave of alignment work, and grouping postings needs memory for one wave only."""
    max_query_candidates: int = 50
    """``Index.query`` aligns at most this many candidates, those sharing the most keys first: a
    query stays interactive even when thousands of stored copies share its story."""
    store_lock_wait: float = 30.0
    """Seconds a scan waits for a store another process holds open (a ``check``, a direct reader)."""
    store_memory_limit: str = "2GB"
    """DuckDB's page cache for a scan's store (DuckDB's own default is 80% of the machine's memory)."""
    prepared_cache: int = 2000
    """How many prepared (normalised, fingerprinted) stored articles a query index keeps in memory."""
    align_cache: int = 500
    """How many articles prepared for comparison each alignment process of a scan keeps (about
    140 KB each): a group of connected candidate pairs larger than a chunk spans consecutive chunks,
    and its articles are prepared once instead of once per chunk (10k articles: a third of the work)."""

    # --- reading (hostile input) ----------------------------------------------------------------
    max_article_bytes: int = 16 * 2**20
    """A single article (text/HTML file, table record, JSONL line, WARC record) above 16 MiB is
    quarantined unread: news articles are under 1 MiB, and a bigger one is a dump or an attack."""
    max_decompressed_bytes: int = 8 * 2**30
    """A .gz/.zst input that inflates beyond 8 GiB is stopped and quarantined (zip bombs); a CC-NEWS
    WARC.gz (about 1 GiB) inflates to 3-5 GiB, so real archives pass."""
    max_compression_ratio: float = 100.0
    """...and so is one inflating more than 100x its compressed size once past 64 MiB: news text and
    HTML compress 3-10x, a zip bomb 1000x."""
    max_document_bytes: int = 2**30
    """Whole-document formats read into memory at once (.json, a compressed Parquet, stdin spill)
    are refused above 1 GiB; use .jsonl or Parquet for bigger collections."""

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> "Settings":
        """Build settings from a mapping (e.g. a TOML table), naming any unknown key."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise UsageError(f"unknown setting(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return replace(cls(), **values).validated()

    def validated(self) -> "Settings":
        """Check values that must fit together, with a message naming the fix."""
        if self.num_perm % self.lsh_bands:
            raise UsageError(
                f"lsh_bands ({self.lsh_bands}) must divide num_perm ({self.num_perm}); "
                "pick e.g. lsh_bands=32 with num_perm=128"
            )
        if not 0 < self.partial_share <= self.wholly_share <= 1:
            raise UsageError("need 0 < partial_share <= wholly_share <= 1")
        if min(self.max_article_bytes, self.max_decompressed_bytes, self.max_document_bytes) <= 0:
            raise UsageError("max_article_bytes, max_decompressed_bytes and max_document_bytes must be > 0")
        if self.max_compression_ratio <= 1:
            raise UsageError(f"max_compression_ratio ({self.max_compression_ratio}) must be > 1; the default is 100")
        if self.min_tile < self.seed_size:
            raise UsageError(f"min_tile ({self.min_tile}) must be >= seed_size ({self.seed_size})")
        if not 2 <= self.boilerplate_sample < self.boilerplate_min_df:
            raise UsageError(f"need 2 <= boilerplate_sample ({self.boilerplate_sample}) < boilerplate_min_df "
                             f"({self.boilerplate_min_df}): the sample is drawn from the articles holding a fingerprint")
        return self


DEFAULT = Settings()
