"""Reprint clusters, source trees, story groups, and per-article grades over all sources.

Clusters are connected components of ``duplicate``/``derived`` edges (union-find). Each member's
parent in the source tree is its most confident source inside the cluster, chosen greedily so the
tree never has a cycle. Story groups join reprint clusters linked by ``same_story`` edges.

Cluster and story ids are derived from their smallest article id (``stable_id``), never from a
rank among all clusters: a cluster keeps its id as long as its smallest member stays, so an
incremental scan recomputes only the stories its new pairs touch (``closure``) and leaves every
other row alone.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np

from .model import ArticleGrade, Cluster, PairResult
from .relate import grade
from .settings import DEFAULT, Settings


@dataclass(frozen=True)
class Edge:
    """What clustering needs of a related pair: endpoints, relation, source and its confidence."""

    a: str
    b: str
    relation: str
    source: str | None
    confidence: float
    coverage: float = 0.0  # how much of the copy the pair covers (tie-breaker for parents)


def edge_of(pair: PairResult) -> Edge:
    """The clustering edge of a related pair; its coverage is how much of the copy the pair covers."""
    copy_coverage = pair.scores.get("coverage_a" if pair.source == pair.b else "coverage_b", 0.0)
    return Edge(pair.a, pair.b, pair.relation, pair.source, pair.direction_confidence, copy_coverage)


REUSE = ("duplicate", "derived")
"""Relations that join articles into one reprint cluster."""
LINKED = (*REUSE, "same_story")
"""Relations that join articles into one story."""


def stable_id(prefix: str, smallest: str) -> str:
    """The id of a cluster (``c``) or story (``s``) whose smallest article id is ``smallest``:
    content-derived, so it is the same in a full and an incremental recluster and unchanged while
    the group's smallest member is (64 bits of BLAKE2b: no collision in practice at 10^6 groups)."""
    digest = hashlib.blake2b(smallest.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    return f"{prefix}{digest}"


class UnionFind:
    """Disjoint sets over hashable items, with path halving and union by size."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.size: dict[str, int] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        if x not in parent:
            parent[x] = x
            self.size[x] = 1
            return x
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, x: str, y: str) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx == ry:
            return
        if self.size[rx] < self.size[ry]:
            rx, ry = ry, rx
        self.parent[ry] = rx
        self.size[rx] += self.size[ry]


def _components(items: Iterable[str], links: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    uf = UnionFind()
    for x in items:
        uf.find(x)
    for x, y in links:
        uf.union(x, y)
    groups: dict[str, list[str]] = defaultdict(list)
    for x in uf.parent:
        groups[uf.find(x)].append(x)
    return groups


def source_tree(members: list[str], edges: list[Edge]) -> dict[str, str]:
    """Each member's most likely parent (child → parent), most confident edges first, no cycles."""
    parent: dict[str, str] = {}

    def reaches(start: str, target: str) -> bool:
        node: str | None = start
        while node is not None:
            if node == target:
                return True
            node = parent.get(node)
        return False

    directed = [e for e in edges if e.source is not None]
    for e in sorted(directed, key=lambda e: (-e.confidence, -e.coverage, e.a, e.b)):
        child = e.a if e.source == e.b else e.b
        src = e.source
        assert src is not None
        if child in parent or reaches(src, child):
            continue
        parent[child] = src
    return parent


def build_clusters(edges: list[Edge]) -> list[Cluster]:
    """Reprint clusters over duplicate/derived edges, with source trees and story groups, largest
    first. Given every edge of a union of whole stories (``closure``), the clusters are exactly
    those a build over all edges has there, ids included."""
    reuse = [e for e in edges if e.relation in REUSE]
    nodes = sorted({x for e in reuse for x in (e.a, e.b)})
    groups = _components(nodes, ((e.a, e.b) for e in reuse))
    by_root: dict[str, list[Edge]] = defaultdict(list)
    member_root = {m: root for root, ms in groups.items() for m in ms}
    for e in reuse:
        by_root[member_root[e.a]].append(e)

    clusters = []
    for root, members in groups.items():
        members = sorted(members)
        tree = source_tree(members, by_root[root])
        roots = [m for m in members if m not in tree]
        clusters.append(Cluster(cluster=stable_id("c", members[0]), members=members, source_tree=tree, roots=roots))
    clusters.sort(key=cluster_order)
    story_of = stories(edges)
    for c in clusters:
        c.story = story_of[c.members[0]]
    return clusters


def cluster_order(cluster: Cluster) -> tuple[int, str]:
    """Largest cluster first, then by smallest member: the order of clusters.jsonl and the lists."""
    return -len(cluster.members), cluster.members[0]


def stories(edges: Iterable[Edge]) -> dict[str, str]:
    """Story id of every linked article: articles joined by duplicate, derived or same_story edges
    (reprint clusters, and the lone articles and clusters their same_story edges reach) form one
    story, named after its smallest article."""
    linked = [(e.a, e.b) for e in edges if e.relation in LINKED]
    groups = _components((x for pair in linked for x in pair), linked)
    named = ((stable_id("s", min(group)), group) for group in groups.values())  # each story's name once
    return {m: story for story, group in named for m in group}


def closure(seeds: Iterable[str], neighbours: Callable[[set[str]], set[str]]) -> set[str]:
    """The articles of every story that holds one of ``seeds``, explored frontier by frontier:
    ``neighbours(frontier)`` gives the articles linked to any of the frontier (it may add more
    of their stories at once). What an incremental recluster recomputes."""
    seen = set(seeds)
    frontier = set(seen)
    while frontier:
        frontier = neighbours(frontier) - seen
        seen |= frontier
    return seen


@dataclass(frozen=True)
class Reuse:
    """Content-token ranges of article ``copy`` that are reused from ``source``."""

    copy: str
    source: str
    ranges: list[tuple[int, int]]


def reuse_of(pair: PairResult) -> Reuse | None:
    """The copy's reused content-token ranges of a directed duplicate/derived pair with passages."""
    if pair.source is None or pair.relation not in ("derived", "duplicate") or not pair.passages:
        return None
    if pair.source == pair.b:
        return Reuse(pair.a, pair.b, [p.a_tokens for p in pair.passages])
    return Reuse(pair.b, pair.a, [p.b_tokens for p in pair.passages])


def grade_articles(articles: dict[str, tuple[str | None, str | None, int]], reuse: list[Reuse],
                   settings: Settings = DEFAULT) -> list[ArticleGrade]:
    """Grade every article over all its sources together: the share of its content words that lie
    in passages aligned with any of its sources, graded wholly/partially/none.

    ``articles`` maps id → (outlet, date, number of content tokens).
    """
    by_copy: dict[str, list[Reuse]] = defaultdict(list)
    for r in reuse:
        by_copy[r.copy].append(r)
    coverage = {}
    for aid, items in by_copy.items():
        n_content = articles[aid][2] if aid in articles else 0
        mask = np.zeros(n_content, dtype=bool)
        for r in items:
            for lo, hi in r.ranges:
                mask[lo:hi] = True
        coverage[aid] = Coverage(int(mask.sum()), sorted({r.source for r in items}))
    return grades_from_coverage(articles, coverage, settings)


@dataclass
class Coverage:
    """How many of an article's content tokens lie in passages reused from its sources, and those sources."""

    tokens: int
    sources: list[str]


def grades_from_coverage(articles: dict[str, tuple[str | None, str | None, int]], coverage: dict[str, Coverage],
                         settings: Settings = DEFAULT) -> list[ArticleGrade]:
    """Every article's grade, in id order, from its reused-token count (``Store.reuse_coverage``
    computes them in the store; ``grade_articles`` from ``Reuse`` ranges)."""
    grades = []
    for aid in sorted(articles):
        outlet, date, n_content = articles[aid]
        found = coverage.get(aid)
        share = found.tokens / n_content if found and n_content else 0.0
        grades.append(ArticleGrade(aid, outlet, date, found.sources if found else [], share, grade(share, settings)))
    return grades
