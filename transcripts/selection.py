"""Choosing, for one question, the guest's answer, the participant quotes and the takeaways.

The rules the recap promises: the guest's own words come first; then one to
three participant quotes chosen for relevance, likes and variety (at most one
per author, never the host, never the guest, never a post left out of the
transcript, never someone who asked not to be quoted); each quote is a verbatim
piece of its post. Takeaways are list items people wrote, quoted the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from transcripts import summarize
from transcripts.model import SessionInfo, folded_handle
from transcripts.stats import quote_choice
from transcripts.summarize import Ranked, Vector, Vectorizer
from transcripts.text import clean_answer, list_spans, quote_span, sentence_spans, split_list, tokens, words
from transcripts.transcript import Post, Section

MIN_QUOTE_WORDS = 5
MAX_QUOTE_WORDS = 40
"""A longer post is quoted by its most central sentences, up to about this many words."""
PREFILTER = 160
"""A question's posts considered in full at most; the rest are left after a cheap first ranking."""
MAX_ITEMS = 8
MAX_TAKEAWAYS = 5
ASIDE = 0.25
"""A quote's first or last sentence scoring under this share of its best one is an aside, and is left out."""
ASIDE_WORDS = 8
REPLY_PRIOR = 0.75
FEATURED_PRIOR = 1.25
FOLLOWING_QUOTE = 0.4
"""A second or third quote is shown only if it scores at least this share of the first one."""
NEAR_COPY = 0.85
SAME_SENTENCE = 0.8
"""Share of a sentence's content words found in another for the two to count as the same sentence."""
"""Cosine above which two texts say the same thing: a quote that close to another is not shown."""


@dataclass(frozen=True)
class Quote:
    """Someone's exact words, where they said them."""

    seq: int
    author: str
    """The real author's handle (for checking; the recap shows `credit`)."""
    credit: str | None
    """How the recap names them: their handle, or None for someone who chose to be quoted anonymously."""
    text: str
    """A verbatim substring of the post's body."""
    likes: int


@dataclass(frozen=True)
class GuestAnswer:
    """The guest's words for one question, cleaned of the chat's tags."""

    seqs: tuple[int, ...]
    blocks: tuple[str | tuple[str, ...], ...]
    """Paragraphs, and lists (a tuple of items) where the answer was a list."""

    @property
    def has_list(self) -> bool:
        return any(isinstance(block, tuple) for block in self.blocks)

    @property
    def text(self) -> str:
        return " ".join(block if isinstance(block, str) else " ".join(block) for block in self.blocks)

    @property
    def words(self) -> int:
        return words(self.text)


@dataclass(frozen=True)
class QuestionRecap:
    """What the recap says about one question."""

    number: int
    text: str
    guest: GuestAnswer | None
    quotes: tuple[Quote, ...]
    takeaways: tuple[Quote, ...]
    answers: int
    replies: int
    most_likes: int
    """The most likes any participant's answer of this question got (chat-talk left out)."""


@dataclass(frozen=True)
class _Candidate:
    post: Post
    start: int
    end: int
    vector: Vector
    listed: bool = False
    """The words hold a list (they feed the takeaways rather than the quotes)."""

    @property
    def text(self) -> str:
        return self.post.body[self.start : self.end]


class Selector:
    """Picks what each question's section shows; built once per recap."""

    def __init__(
        self,
        session: SessionInfo,
        vectorizer: Vectorizer,
        quote_choices: dict[str, str],
        post_tokens: dict[int, list[str]],
        chat_talk: Mapping[int, str] | None = None,
    ) -> None:
        self._session = session
        self._vectorizer = vectorizer
        self._choices = quote_choices
        self._post_tokens = post_tokens
        """Each post's tokens by seq, computed once for the whole recap."""
        self._chat_talk = chat_talk or {}
        """The act of each post that is chat-talk, by seq: never quoted, whatever its likes."""
        self._keys: dict[str, list[frozenset[str]]] = {}
        self._names = frozenset(tokens(f"{session.guest.name} {session.guest.handle}"))
        """The guest's name says nothing about the question: a post with no other word is not a quote."""

    def select(self, section: Section, budget: int) -> QuestionRecap | None:
        """The section's recap within about `budget` words, or None if nobody answered the question."""
        posts = [post for post in section.posts() if post.role != "moderator"]
        if not posts:
            return None
        question_vector = self._vector(section.text)
        guest = self._guest_answer(section, posts, question_vector, max(60, int(budget * 0.55)))
        guest_vector = self._vector(guest.text) if guest else {}
        focus = summarize.centroid([v for v in (question_vector, guest_vector) if v])
        candidates = self._candidates(posts, focus)
        # Posts that hold lists feed the takeaways; the quotes are the ones that make one point well.
        listed = [c for c in candidates if c.listed]
        plain = [c for c in candidates if not c.listed]
        shown = self._sentence_keys(guest.text) if guest else []
        quotes = self._quotes(plain, focus, guest_vector, budget - (guest.words if guest else 0), shown)
        quoted = {folded_handle(quote.author) for quote in quotes}
        spent = (guest.words if guest else 0) + sum(words(quote.text) for quote in quotes)
        takeaways = self._takeaways(
            [c for c in listed if folded_handle(c.post.author) not in quoted], focus, guest_vector, budget - spent, shown
        )
        top = {post.seq for post in section.answers if post.role != "moderator"}
        return QuestionRecap(
            number=section.number,
            text=section.text,
            guest=guest,
            quotes=quotes,
            takeaways=takeaways,
            answers=len(top),
            replies=len(posts) - len(top),
            most_likes=max(
                (post.likes for post in posts if post.role == "participant" and post.seq not in self._chat_talk),
                default=0,
            ),
        )

    def _guest_answer(
        self, section: Section, posts: list[Post], focus: Vector, budget: int
    ) -> GuestAnswer | None:
        by_seq = {post.seq: post for post in posts}
        top = {post.seq for post in section.answers}
        # The guest's answer is what they posted to the question and their own threads under it;
        # their replies to others are conversation, used only if they posted nothing else.
        own = [
            post for post in posts
            if post.role == "guest"
            and (post.seq in top or (post.reply_to in by_seq and by_seq[post.reply_to].role == "guest"))
        ] or [post for post in posts if post.role == "guest"]
        cleaned = [
            (post, text) for post in sorted(own, key=lambda p: p.seq)
            if (text := clean_answer(post.body, self._session.hashtag))
        ]
        if not cleaned:
            return None
        if any(split_list(text) is not None for _, text in cleaned):
            return GuestAnswer(tuple(post.seq for post, _ in cleaned), _blocks([text for _, text in cleaned]))
        if sum(words(text) for _, text in cleaned) > budget:
            vectors = [self._vector(text) for _, text in cleaned]
            ranked = summarize.rank(vectors, [post.likes for post, _ in cleaned], focus)
            keep: list[int] = []
            spent = 0
            for item in ranked:
                size = words(cleaned[item.index][1])
                if keep and spent + size > budget:
                    continue
                keep.append(item.index)
                spent += size
            cleaned = [cleaned[index] for index in sorted(keep)]
        return GuestAnswer(tuple(post.seq for post, _ in cleaned), tuple(text for _, text in cleaned))


    def _candidates(self, posts: list[Post], focus: Vector) -> list[_Candidate]:
        """Participant posts that may be quoted, narrowed to the PREFILTER most promising by a linear score."""
        eligible: list[tuple[Post, Vector]] = []
        for post in posts:
            if post.role != "participant" or self._choice(post) == "none" or words(post.body) < MIN_QUOTE_WORDS:
                continue
            if post.seq in self._chat_talk:
                continue
            words_of_post = self._post_tokens.get(post.seq) or tokens(post.body)
            if all(token in self._names for token in words_of_post):
                continue
            vector = self._vectorizer.vector(words_of_post)
            if vector:
                eligible.append((post, vector))
        if len(eligible) > PREFILTER:
            # The same cheap estimate `summarize.rank` shortlists with: closeness to the centre, and likes.
            center = summarize.centroid(vector for _, vector in eligible)
            # 0.5 cos(v, center) + 0.2 cos(v, focus) is one dot product with their weighted sum.
            toward = {token: 0.5 * weight for token, weight in center.items()}
            for token, weight in focus.items():
                toward[token] = toward.get(token, 0.0) + 0.2 * weight
            most_likes = max(post.likes for post, _ in eligible) or 1
            rough = [
                summarize.cosine(vector, toward) + 0.3 * post.likes / most_likes for post, vector in eligible
            ]
            keep = sorted(range(len(eligible)), key=lambda i: (-rough[i], i))[:PREFILTER]
            eligible = [eligible[i] for i in sorted(keep)]
        candidates = []
        for post, vector in eligible:
            start, end = quote_span(post.body, self._session.hashtag)
            size = words(post.body[start:end])
            if size < MIN_QUOTE_WORDS:
                continue
            if size > MAX_QUOTE_WORDS:
                start, end = self._best_sentences(post.body, start, end, focus)
                vector = self._vector(post.body[start:end])
            # Otherwise the edges trimmed off hold no content words, so the post's own vector stands for the quote.
            if vector:
                listed = list_spans(post.body[start:end]) is not None
                candidates.append(_Candidate(post, start, end, vector, listed))
        return candidates

    def _best_sentences(self, body: str, start: int, end: int, focus: Vector) -> tuple[int, int]:
        """The most relevant sentence of a long post, with the ones after it while they fit."""
        spans = sentence_spans(body, start, end)
        scores = [summarize.cosine(self._vector(body[left:right]), focus) for left, right in spans]
        best = max(range(len(spans)), key=lambda index: (scores[index], -index))
        left, right = spans[best]
        for _, next_right in spans[best + 1 :]:
            if words(body[left:next_right]) > MAX_QUOTE_WORDS:
                break
            right = next_right
        return left, right

    def _trim_asides(self, body: str, start: int, end: int, focus: Vector) -> tuple[int, int]:
        """Drop closing sentences that say next to nothing about the question (“Great question!”)."""
        spans = sentence_spans(body, start, end)
        if len(spans) < 2:
            return start, end
        scores = [summarize.cosine(self._vector(body[left:right]), focus) for left, right in spans]
        floor = ASIDE * max(scores)
        first, last = 0, len(spans) - 1
        def aside(index: int) -> bool:
            left, right = spans[index]
            return scores[index] < floor and words(body[left:right]) <= ASIDE_WORDS

        # Only a closing aside goes: an opening one (“So true, Kathryn.”) is what the rest refers back to.
        while last > first and aside(last):
            last -= 1
        if words(body[spans[first][0] : spans[last][1]]) < MIN_QUOTE_WORDS:
            return start, end
        return spans[first][0], spans[last][1]

    def _quotes(
        self,
        candidates: list[_Candidate],
        focus: Vector,
        guest_vector: Vector,
        budget: int,
        shown: list[frozenset[str]],
    ) -> tuple[Quote, ...]:
        if not candidates:
            return ()
        wanted = 3 if len(candidates) >= 8 else 2 if len(candidates) >= 3 else 1
        chosen = self._pick(candidates, focus, guest_vector, wanted, by_author=True, shown=shown)
        quotes: list[Quote] = []
        for candidate, score in chosen:
            if quotes and score < FOLLOWING_QUOTE * chosen[0][1]:
                break  # a second or third quote must be worth reading next to the first
            # Asides are trimmed only now, for the few quotes shown: it takes a vector per sentence.
            start, end = self._trim_asides(candidate.post.body, candidate.start, candidate.end, focus)
            size = words(candidate.post.body[start:end])
            if quotes and size > budget:
                break
            quotes.append(self._quote(candidate.post, start, end))
            budget -= size
        return tuple(quotes)

    def _takeaways(
        self,
        candidates: list[_Candidate],
        focus: Vector,
        guest_vector: Vector,
        budget: int,
        shown: list[frozenset[str]],
    ) -> tuple[Quote, ...]:
        items = []
        for candidate in candidates:
            found = list_spans(candidate.text)
            if found is None:
                continue
            for left, right in found[1]:
                start, end = candidate.start + left, candidate.start + right
                if 2 <= words(candidate.post.body[start:end]) <= 25:
                    vector = self._vector(candidate.post.body[start:end])
                    if vector:
                        items.append(_Candidate(candidate.post, start, end, vector))
        if len(items) < 2 or budget < 12:
            return ()
        chosen = self._pick(items, focus, guest_vector, MAX_TAKEAWAYS, by_author=True, shown=shown)
        kept: list[Quote] = []
        for item, _ in chosen:
            size = words(item.text)
            if len(kept) >= 2 and size > budget:
                break
            kept.append(self._quote(item.post, item.start, item.end))
            budget -= size
        return tuple(kept) if len(kept) >= 2 else ()

    def _pick(
        self,
        candidates: list[_Candidate],
        focus: Vector,
        guest_vector: Vector,
        count: int,
        *,
        by_author: bool,
        shown: list[frozenset[str]],
    ) -> list[tuple[_Candidate, float]]:
        """The MMR choice among candidates, each with the relevance score it was ranked by.

        `shown` holds the sentences (as their content words) the section shows
        already; a candidate repeating one of them is refused, and the chosen
        ones' sentences are added to it.
        """
        # Replies are conversation, so they need to be clearly better to be quoted; a post the moderator
        # featured is one they wanted seen.
        priors = [
            (REPLY_PRIOR if c.post.reply_to is not None else 1.0) * (FEATURED_PRIOR if c.post.featured else 1.0)
            for c in candidates
        ]
        ranked = summarize.rank(
            [c.vector for c in candidates], [c.post.likes for c in candidates], focus, priors=priors
        )

        def allowed(item: Ranked, chosen: list[Ranked]) -> bool:
            candidate = candidates[item.index]
            if by_author and any(
                folded_handle(candidates[other.index].post.author) == folded_handle(candidate.post.author)
                for other in chosen
            ):
                return False
            if guest_vector and summarize.cosine(item.vector, guest_vector) >= NEAR_COPY:
                return False
            if any(summarize.cosine(item.vector, other.vector) >= NEAR_COPY for other in chosen):
                return False
            # The same sentence said again (chat answers echo each other and the guest) is not news.
            taken = list(shown)
            for other in chosen:
                taken += self._sentence_keys(candidates[other.index].text)
            mine = self._sentence_keys(candidate.text)
            return not any(_same_sentence(a, b) for a in mine for b in taken)

        already = [guest_vector] if guest_vector else []
        picked = summarize.mmr(ranked, count, already=already, allowed=allowed)
        for item in picked:
            shown += self._sentence_keys(candidates[item.index].text)
        return [(candidates[item.index], item.score) for item in picked]

    def _sentence_keys(self, text: str) -> list[frozenset[str]]:
        """Each sentence of text as its set of content words, for spotting a sentence said twice."""
        if (known := self._keys.get(text)) is not None:
            return known
        keys = []
        for left, right in sentence_spans(text):
            key = frozenset(tokens(text[left:right]))
            if len(key) >= 3:
                keys.append(key)
        self._keys[text] = keys
        return keys

    def _quote(self, post: Post, start: int, end: int) -> Quote:
        credit = None if self._choice(post) == "anonymous" else post.author
        return Quote(post.seq, post.author, credit, post.body[start:end], post.likes)

    def _choice(self, post: Post) -> str:
        return quote_choice(self._choices, post.author, post.role)

    def _vector(self, text: str) -> Vector:
        return self._vectorizer.vector(tokens(text))


def _blocks(texts: list[str]) -> tuple[str | tuple[str, ...], ...]:
    """Posts as paragraphs and lists; a list continued in the next post (“3) … 4) …”) stays one list."""
    blocks: list[str | tuple[str, ...]] = []
    for text in texts:
        listed = split_list(text)
        if listed is None:
            blocks.append(text)
            continue
        if listed.lead:
            blocks.append(listed.lead)
        if blocks and isinstance(blocks[-1], tuple) and not listed.lead:
            blocks[-1] = (blocks[-1] + listed.items)[:MAX_ITEMS]
        else:
            blocks.append(listed.items[:MAX_ITEMS])
    return tuple(blocks)


def _same_sentence(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two sentences say the same when most of the shorter one's content words are in the other."""
    return len(a & b) >= SAME_SENTENCE * min(len(a), len(b))
