"""The extractive method: TF-IDF vectors, LexRank centrality and MMR's trade of relevance for variety."""

from __future__ import annotations

import pytest

from transcripts.summarize import Vectorizer, centroid, cosine, lexrank, mmr, rank
from transcripts.text import tokens

ANSWERS = [
    "Trust is what holds a community together.",
    "A community runs on trust between its members.",
    "Without trust no community survives for long.",
    "I like pizza on Fridays.",
]


def _vectors(texts: list[str]) -> list[dict[str, float]]:
    docs = [tokens(text) for text in texts]
    vectorizer = Vectorizer(docs)
    return [vectorizer.vector(doc) for doc in docs]


def test_vectors_are_unit_length_and_rare_words_weigh_more() -> None:
    """TF-IDF vectors have length one, and a word in every document weighs less than a rare one."""
    vectors = _vectors(["trust community", "trust pizza", "trust garden"])
    assert sum(w * w for w in vectors[0].values()) == pytest.approx(1.0)
    assert vectors[0]["community"] > vectors[0]["trust"]
    assert cosine(vectors[0], vectors[0]) == pytest.approx(1.0) and cosine(vectors[1], vectors[2]) < 1.0


def test_lexrank_puts_the_answer_others_agree_with_first() -> None:
    """The off-topic answer ranks last; the scores are a probability distribution."""
    scores = lexrank(_vectors(ANSWERS))
    assert sum(scores) == pytest.approx(1.0)
    assert scores.index(min(scores)) == 3


def test_rank_weighs_likes_and_mmr_avoids_repeats() -> None:
    """A well-liked relevant answer ranks first; MMR's second pick says something else than the first."""
    texts = [
        "Trust is what holds a community together.",
        "Trust is what holds a community together!",
        "Ground rules keep a community safe for newcomers.",
    ]
    vectors = _vectors(texts)
    ranked = rank(vectors, [10, 0, 2], centroid(vectors))
    assert ranked[0].index == 0
    picked = mmr(ranked, 2)
    assert [item.index for item in picked] == [0, 2]


def test_mmr_respects_its_veto() -> None:
    """A candidate the `allowed` rule refuses is never chosen."""
    vectors = _vectors(ANSWERS)
    ranked = rank(vectors, [0, 0, 0, 0], centroid(vectors))
    picked = mmr(ranked, 4, allowed=lambda item, chosen: item.index != 1)
    assert 1 not in [item.index for item in picked] and len(picked) == 3


def test_long_questions_are_shortlisted_and_still_ranked_deterministically() -> None:
    """Hundreds of answers rank in bounded work, the same way twice."""
    texts = [f"answer about trust and community number {n % 17} with idea {n % 5}" for n in range(400)]
    vectors = _vectors(texts)
    first = rank(vectors, [n % 7 for n in range(400)], centroid(vectors))
    second = rank(vectors, [n % 7 for n in range(400)], centroid(vectors))
    assert [r.index for r in first] == [r.index for r in second] and len(first) == 48
