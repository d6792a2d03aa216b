"""Reading chat posts as text: tags, clean answers, sentences, lists and words.

Two kinds of cleaning, on purpose. A participant quote must stay the author's
exact words, so `quote_span` only trims the edges (the A-tag, leading
mentions, trailing hashtags and links) and returns offsets into the post. The
guest's answer is shown as their words without the chat's markup, so
`clean_answer` also drops the session hashtag and mentions in the middle.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

ANSWER_TAG = re.compile(r"A\s?(\d{1,2})[a-z]?(?:\s*[:.)\-–—]+|(?=\s))", re.IGNORECASE)
QUESTION_TAG = re.compile(r"Q\s?(\d{1,2})[a-z]?(?:\s*[:.)\-–—]+|(?=\s))", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_HASHTAG = re.compile(r"#\w+")
_URL = re.compile(r"https?://\S+")
_PIECE = re.compile(r"\S+")
_SPACES = (" ", "\n", "\t", "\r", "\u00a0", "\u3000")
_PUNCT = re.compile(r"[:|,;.]+")
"""Stray separators at a post's edges (a leading “-” may be a list's first bullet, so it stays)."""
_TRAILING_PUNCT = re.compile(r"[\-–—|,;:]+")
_TRAILING_HASHTAG = re.compile(r"(#\w+)[.!?]*")
_SENTENCE_CLOSERS = (".", "!", "?", "…", "”", '"', ")")
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’')]*(?=\s+)")
_NUMBERED = re.compile(r"(?:(?<=\s)|^)\(?(\d{1,2})[).:/]\s+")
_BULLET = re.compile(r"(?:(?<=\s)|^)(?:[•▪◦✅✔→➡]|[-*](?=\s))\ufe0f?\s*")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_NOT_WORDS = re.compile(r"https?://\S+|[@#]\w+")
_CHAT_TAG = re.compile(r"[aq]\d{1,2}[a-z]?")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?…])")

STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "aren't", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "can't", "cannot", "could", "couldn't", "did", "didn't", "do", "does", "doesn't", "doing", "don't", "down", "during", "each", "even", "ever", "every", "few", "for", "from", "further", "get", "gets", "got", "had", "hadn't", "has", "hasn't", "have", "haven't", "having", "he", "he'd", "he'll", "he's", "her", "here", "here's", "hers", "herself", "him", "himself", "his", "how", "how's", "i", "i'd", "i'll", "i'm", "i've", "if", "in", "into", "is", "isn't", "it", "it's", "its", "itself", "just", "let's", "like", "make", "makes", "me", "more", "most", "much", "mustn't", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "one", "only", "or", "other", "ought", "our", "ours", "ourselves", "out", "over", "own", "really", "same", "say", "says", "shan't", "she", "she'd", "she'll", "she's", "should", "shouldn't", "so", "some", "such", "than", "that", "that's", "the", "their", "theirs", "them", "themselves", "then", "there", "there's", "these", "they", "they'd", "they'll", "they're", "they've", "thing", "things", "think", "this", "those", "through", "to", "too", "under", "until", "up", "us", "very", "was", "wasn't", "way", "we", "we'd", "we'll", "we're", "we've", "well", "were", "weren't", "what", "what's", "when", "when's", "where", "where's", "which", "while", "who", "who's", "whom", "why", "why's", "will", "with", "won't", "would", "wouldn't", "yes", "yet", "you", "you'd", "you'll", "you're", "you've", "your", "yours", "yourself", "yourselves", "rt", "amp", "via", "lol", "yeah", "oh", "ok", "okay", "thank", "thanks", "thx", "ty", "everyone", "everybody", "hi", "hello", "hey", "welcome", "chat", "chats", "question", "questions", "great", "awesome", "amazing", "agree", "agreed", "true", "exactly", "totally", "absolutely", "indeed"]
)


@dataclass(frozen=True)
class ListSplit:
    """Text holding a list: what comes before it, and its items."""

    lead: str
    items: tuple[str, ...]


def answer_tag(body: str) -> int | None:
    """The n of an “An” tag at the start of a post (after any mentions), or None."""
    return _leading_tag(body, ANSWER_TAG)


def question_tag(body: str) -> int | None:
    """The n of a “Qn” tag at the start of a post (after any mentions), or None."""
    return _leading_tag(body, QUESTION_TAG)


def _leading_tag(body: str, pattern: re.Pattern[str]) -> int | None:
    position = _skip_mentions(body, 0)
    match = pattern.match(body, position)
    return int(match.group(1)) if match else None


def _skip_mentions(body: str, position: int) -> int:
    # Mentions and hashtags may come before the tag: "@gene #chat A2: …"
    while True:
        while position < len(body) and body[position].isspace():
            position += 1
        match = _MENTION.match(body, position) or _HASHTAG.match(body, position)
        if not match:
            return position
        position = match.end()


def quote_span(body: str, hashtag: str = "") -> tuple[int, int]:
    """Offsets of a post's own words: without the leading tag and mentions, trailing tags and links.

    A trailing hashtag is dropped when it is the session's or stands after the
    end of a sentence; one that ends a sentence of its own (“what I call
    #leadership”) is part of the words and stays.
    """
    session_tag = hashtag.casefold()
    start = 0
    tagged = False
    for match in _PIECE.finditer(body):  # leading pieces only: it stops at the first word
        if match.start() < start:
            continue
        piece = match.group(0)
        if _MENTION.fullmatch(piece) or _PUNCT.fullmatch(piece) or (session_tag and _tag(piece) == session_tag):
            start = match.end()
            continue
        tag = None if tagged else ANSWER_TAG.match(body, match.start())
        if tag is None:
            start = match.start()
            break
        tagged = True
        start = tag.end()
    else:
        return start, start
    end = len(body.rstrip())
    while end > start:
        piece_start = _last_piece_start(body, start, end)
        piece = body[piece_start:end]
        drop = bool(_URL.fullmatch(piece) or _MENTION.fullmatch(piece) or _TRAILING_PUNCT.fullmatch(piece))
        if not drop and _tag(piece) is not None and piece_start > start:
            before_end = len(body[:piece_start].rstrip())
            before = body[_last_piece_start(body, start, before_end) : before_end]
            drop = _tag(piece) == session_tag or _tag(before) is not None or before.endswith(_SENTENCE_CLOSERS)
        if not drop:
            break
        end = len(body[:piece_start].rstrip())
    return start, max(end, start)


def _last_piece_start(body: str, start: int, end: int) -> int:
    """Where the last whitespace-separated piece of body[start:end] begins."""
    return max(start, *(body.rfind(space, start, end) + 1 for space in _SPACES))


def _tag(piece: str) -> str | None:
    match = _TRAILING_HASHTAG.fullmatch(piece)
    return match.group(1).casefold() if match else None


def clean_answer(body: str, hashtag: str) -> str:
    """The guest's words without the A-tag, the session hashtag and mentions."""
    start, end = quote_span(body, hashtag)
    text = body[start:end]
    text = re.sub(re.escape(hashtag) + r"\b", " ", text, flags=re.IGNORECASE)
    text = _MENTION.sub(lambda match: match.group(0)[1:], text)  # “as @tina said” keeps its sense
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", " ".join(text.split()))
    return text.strip()


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Offsets of the sentences in text[start:end], each trimmed of spaces."""
    end = len(text) if end is None else end
    spans = []
    position = start
    for match in _SENTENCE_END.finditer(text, start, end):
        spans.append((position, match.end()))
        position = match.end()
    spans.append((position, end))
    trimmed = []
    for left, right in spans:
        while left < right and text[left].isspace():
            left += 1
        while right > left and text[right - 1].isspace():
            right -= 1
        if right > left:
            trimmed.append((left, right))
    return trimmed


def list_spans(text: str) -> tuple[tuple[int, int], list[tuple[int, int]]] | None:
    """Where a list sits in `text`: the lead's span and each item's span, or None if there is no list.

    A numbered list counts when its numbers run on by one (1) 2) 3), or 3) 4)
    in a second post); a bulleted one when it has two bullets or more.
    """
    numbered = _numbered_chain(text)
    markers = numbered if numbered is not None else list(_BULLET.finditer(text))
    if len(markers) < 2:
        return None
    items = []
    for index, marker in enumerate(markers):
        item_end = markers[index + 1].start() if index + 1 < len(markers) else len(text)
        left, right = marker.end(), item_end
        while right > left and (text[right - 1].isspace() or text[right - 1] in ",;"):
            right -= 1
        if right > left:
            items.append((left, right))
    if len(items) < 2:
        return None
    lead_end = markers[0].start()
    while lead_end > 0 and text[lead_end - 1].isspace():
        lead_end -= 1
    return (0, lead_end), items


def split_list(text: str) -> ListSplit | None:
    """`list_spans` as text."""
    spans = list_spans(text)
    if spans is None:
        return None
    (lead_start, lead_end), items = spans
    return ListSplit(text[lead_start:lead_end].strip(), tuple(text[left:right] for left, right in items))


def _numbered_chain(text: str) -> list[re.Match[str]] | None:
    best: list[re.Match[str]] = []
    matches = list(_NUMBERED.finditer(text))
    for first_index, first in enumerate(matches):
        chain = [first]
        for match in matches[first_index + 1 :]:
            if int(match.group(1)) == int(chain[-1].group(1)) + 1:
                chain.append(match)
        if len(chain) > len(best):
            best = chain
    return best if len(best) >= 2 else None


def words(text: str) -> int:
    """How many words a reader counts in text."""
    return len(text.split())


def tokens(text: str) -> list[str]:
    """Content words, lower-cased and lightly stemmed, for similarity; tags, links and An/Qn dropped."""
    text = _NOT_WORDS.sub(" ", text)
    return [stem for word in _WORD.findall(text.casefold()) if (stem := _token(word))]


def word_token(word: str) -> str:
    """One lower-cased word as `tokens` keeps it: lightly stemmed, or "" for a stop word, a number or a tag."""
    return _token(word)


@functools.lru_cache(maxsize=1 << 16)
def _token(word: str) -> str:
    word = word.replace("’", "'")
    if word in STOPWORDS or word.isdigit() or len(word) < 2 or _CHAT_TAG.fullmatch(word):
        return ""
    return _stem(word)


def _stem(word: str) -> str:
    # Just enough to make “communities” meet “community” and “leaders” meet “leader”.
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word
