"""How a post sounds: VADER's compound score and the mood it falls in.

VADER (`vaderSentiment`) is a lexicon and rules made for short social-media
text (emoji, capitals, “!!!”, “but”, negations); its lexicon ships in the
package, so nothing is downloaded. The analyser is built once per process
(reading the lexicon takes about a tenth of a second); scoring a post takes
about 0.2 ms.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

THRESHOLD = 0.05
"""VADER's usual cut: a compound score of at least this is positive, at most minus this negative."""
SHARPLY_NEGATIVE = -0.6
"""A post this negative or worse is put before a moderator to look at (nothing is hidden for it)."""
MOODS = ("positive", "neutral", "negative")


@functools.cache
def _analyser() -> Any:
    return SentimentIntensityAnalyzer()


def compound(text: str) -> float:
    """VADER's compound score of `text`, from -1 (most negative) to 1 (most positive)."""
    return float(_analyser().polarity_scores(text)["compound"])


def mood(score: float) -> str:
    """positive, neutral or negative, by VADER's usual thresholds."""
    if score >= THRESHOLD:
        return "positive"
    if score <= -THRESHOLD:
        return "negative"
    return "neutral"


@dataclass(frozen=True)
class Mood:
    """How a set of posts sounds: how many fall in each mood, and their mean compound."""

    positive: int = 0
    neutral: int = 0
    negative: int = 0
    total_compound: float = 0.0

    @property
    def posts(self) -> int:
        return self.positive + self.neutral + self.negative

    @property
    def mean(self) -> float:
        return self.total_compound / self.posts if self.posts else 0.0

    def share(self, name: str) -> float:
        """The share of posts in mood `name`, from 0 to 1 (0 when there are none)."""
        return getattr(self, name) / self.posts if self.posts else 0.0

    def add(self, score: float) -> Mood:
        """This mood with one more post of compound `score`."""
        counts = {name: getattr(self, name) for name in MOODS}
        counts[mood(score)] += 1
        return Mood(**counts, total_compound=self.total_compound + score)

    def remove(self, score: float) -> Mood:
        """This mood without one post of compound `score` (one that `add` counted, since hidden or refiled)."""
        counts = {name: getattr(self, name) for name in MOODS}
        counts[mood(score)] -= 1
        return Mood(**counts, total_compound=self.total_compound - score)

    def as_dict(self) -> dict[str, Any]:
        """Shares as fractions from 0 to 1, the mean compound, and how many posts they are of."""
        return {
            **{name: round(self.share(name), 4) for name in MOODS},
            "compound": round(self.mean, 4),
            "posts": self.posts,
            "counts": {name: getattr(self, name) for name in MOODS},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mood:
        """The mood `as_dict` described (its counts and mean)."""
        counts = data.get("counts", {})
        posts = sum(int(counts.get(name, 0)) for name in MOODS)
        return cls(**{name: int(counts.get(name, 0)) for name in MOODS}, total_compound=data["compound"] * posts)

    def __add__(self, other: Mood) -> Mood:
        return Mood(
            self.positive + other.positive,
            self.neutral + other.neutral,
            self.negative + other.negative,
            self.total_compound + other.total_compound,
        )
