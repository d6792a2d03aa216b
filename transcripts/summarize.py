"""The extractive method: TF-IDF vectors, LexRank centrality, maximal marginal relevance.

Why this method (docs/recap.md says more): a recap must quote people's exact
words, so it can only pick, never rewrite; it must run offline and give the
same bytes every time, so no model is loaded. TF-IDF over the whole session
weighs the words that set an answer apart; LexRank (Erkan and Radev, 2004)
ranks the answers that many others agree with as the central ones; MMR
(Carbonell and Goldstein, 1998) then trades that relevance against
repetition, so three quotes say three things.

LexRank is quadratic in the answers it compares, so a question with hundreds
of answers is first narrowed to the ones closest to its centroid (plus the
most liked): the centroid is the cheap, linear estimate of the same
centrality, and LexRank refines the order among the candidates it keeps.

Everything iterates in a fixed order (lists and insertion-ordered dicts, never
sets), so the floating-point sums, and so the choices, are the same in every run.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

Vector = dict[str, float]
T = TypeVar("T")

JUMP = 0.15
"""LexRank's random-jump probability (the damping of PageRank)."""
ITERATIONS = 60
TOLERANCE = 1e-8
SHORTLIST = 48
"""How many answers of one question LexRank compares at most."""


class Vectorizer:
    """TF-IDF weights learnt from every post of the session, so "community" weighs little in a community chat."""

    def __init__(self, documents: Iterable[Sequence[str]]) -> None:
        frequency: dict[str, int] = {}
        count = 0
        for document in documents:
            count += 1
            for token in dict.fromkeys(document):
                frequency[token] = frequency.get(token, 0) + 1
        self._idf = {token: math.log((1 + count) / (1 + df)) + 1.0 for token, df in frequency.items()}
        self._unknown = math.log(1 + count) + 1.0

    def vector(self, document: Sequence[str]) -> Vector:
        """Sublinear TF times IDF, scaled to unit length (empty for a post with no content words)."""
        idf, unknown = self._idf, self._unknown
        weights = {token: (1.0 + math.log(tf)) * idf.get(token, unknown) for token, tf in Counter(document).items()}
        return _unit(weights)


def cosine(a: Vector, b: Vector) -> float:
    """Cosine similarity of two unit vectors."""
    if len(b) < len(a):
        a, b = b, a
    get = b.get
    return sum([weight * get(token, 0.0) for token, weight in a.items()])


def centroid(vectors: Iterable[Vector]) -> Vector:
    """The unit-length mean of the vectors."""
    total: dict[str, float] = {}
    for vector in vectors:
        for token, weight in vector.items():
            total[token] = total.get(token, 0.0) + weight
    return _unit(total)


def lexrank(vectors: Sequence[Vector]) -> list[float]:
    """Continuous LexRank: each vector's stationary weight in the cosine-similarity graph."""
    n = len(vectors)
    if n == 0:
        return []
    # Similarity is symmetric: each pair is computed once and filed under both ends.
    raw: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            if (similarity := cosine(vectors[i], vectors[j])) > 0.0:
                raw[i].append((j, similarity))
                raw[j].append((i, similarity))
    # Row-normalise (each post hands its weight out in proportion to similarity), then
    # store the graph by target: incoming[j] lists (i, share of i's weight that goes to j).
    totals = [sum(weight for _, weight in row) for row in raw]
    incoming: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for i, row in enumerate(raw):
        for j, weight in sorted(row):
            incoming[j].append((i, weight / totals[i]))
    for row in incoming:
        row.sort()
    dangling_nodes = [i for i in range(n) if totals[i] == 0.0]
    scores = [1.0 / n] * n
    for _ in range(ITERATIONS):
        dangling = sum([scores[i] for i in dangling_nodes])
        base = JUMP / n + (1.0 - JUMP) * dangling / n
        updated = [base + (1.0 - JUMP) * sum([scores[i] * share for i, share in row]) for row in incoming]
        change = sum([abs(a - b) for a, b in zip(updated, scores, strict=True)])
        scores = updated
        if change < TOLERANCE:
            break
    return scores


@dataclass(frozen=True)
class Ranked:
    """A candidate with its vector and the relevance the selection starts from."""

    index: int
    vector: Vector
    score: float


def rank(
    vectors: Sequence[Vector],
    likes: Sequence[int],
    focus: Vector,
    *,
    weights: tuple[float, float, float] = (0.45, 0.3, 0.25),
    priors: Sequence[float] | None = None,
) -> list[Ranked]:
    """Score candidates by centrality, likes and closeness to `focus` (the question and the guest's answer).

    `priors` scale each candidate's score (a reply weighs less than an answer,
    say). Returns the shortlist that LexRank compared, best first; ties keep
    the earlier candidate first.
    """
    if not vectors:
        return []
    center = centroid(vectors)
    most_likes = max(likes, default=0)
    like_share = [math.log1p(count) / math.log1p(most_likes) if most_likes else 0.0 for count in likes]
    shortlist = list(range(len(vectors)))
    if len(shortlist) > SHORTLIST:
        rough = [0.7 * cosine(vectors[i], center) + 0.3 * like_share[i] for i in shortlist]
        shortlist = sorted(shortlist, key=lambda i: (-rough[i], i))[:SHORTLIST]
        shortlist.sort()
    centrality = lexrank([vectors[i] for i in shortlist])
    top = max(centrality)
    closeness = [cosine(vectors[i], focus) for i in shortlist]
    closest = max(closeness) or 1.0
    central_weight, like_weight, focus_weight = weights
    ranked = [
        Ranked(
            i,
            vectors[i],
            (priors[i] if priors is not None else 1.0)
            * (
                central_weight * (centrality[k] / top if top else 0.0)
                + like_weight * like_share[i]
                + focus_weight * max(closeness[k], 0.0) / closest
            ),
        )
        for k, i in enumerate(shortlist)
    ]
    ranked.sort(key=lambda item: (-round(item.score, 12), item.index))
    return ranked


def mmr(
    ranked: Sequence[Ranked],
    count: int,
    *,
    already: Sequence[Vector] = (),
    balance: float = 0.7,
    allowed: Callable[[Ranked, list[Ranked]], bool] = lambda candidate, chosen: True,
) -> list[Ranked]:
    """Maximal marginal relevance: up to `count` candidates, each relevant and unlike those before it.

    `already` holds what the reader has seen (the guest's answer), so a quote
    that only repeats it loses; `allowed` vetoes a candidate given the ones
    chosen so far (at most one quote per author, say).
    """
    chosen: list[Ranked] = []
    remaining = list(ranked)
    while remaining and len(chosen) < count:
        best: tuple[float, int, Ranked] | None = None
        for candidate in remaining:
            if not allowed(candidate, chosen):
                continue
            seen = [cosine(candidate.vector, other.vector) for other in chosen]
            seen += [cosine(candidate.vector, vector) for vector in already]
            value = round(balance * candidate.score - (1.0 - balance) * max(seen, default=0.0), 12)
            if best is None or (value, -candidate.index) > (best[0], -best[1]):
                best = (value, candidate.index, candidate)
        if best is None:
            break
        chosen.append(best[2])
        remaining.remove(best[2])
    return chosen


def _unit(weights: dict[str, float]) -> Vector:
    norm = math.sqrt(sum(weight * weight for weight in weights.values()))
    return {token: weight / norm for token, weight in weights.items()} if norm > 0 else {}
