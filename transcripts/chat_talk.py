"""Telling chat-talk from answers: greetings, applause, talk about the chat, thanks.

A third to half of a real chat's posts are chat-talk (“Hi all, Tom from Leeds
here!”, “+1”, “Great question!”, “Lurking and learning”, “Thanks everyone!”),
and they are often the most liked, because people like each other's hellos.
A recap that quotes one as an answer reads as if nobody had looked.

The judgement reads what a post says, as a small feature-based classifier over
four dialogue acts (greeting or introduction, applause or agreement, meta talk
about the chat, thanks), not as a list of phrases:

- each word of the post's own words (after the tags) is a cue of an act (a
  lexicon of single words per act, in the registers chats use: “hiya”,
  “evening”, “lurking”, “thx”, “👏”), a name (someone in the session, or a
  place after “from”), a function word, or content;
- content is topical when the question, the guest's answer or two other posts
  of the same question use it too: answers share the question's words,
  chat-talk's leftovers (“dinner”, “Berlin”, “coffee”) stand alone;
- an introduction (the author names themself, or the post opens with a
  greeting) may carry a few words about the author's job without being an answer;
- an A-tag says the author meant an answer, so a tagged post needs to say less
  to count as one; a reply that only agrees is applause.

A post is chat-talk when it has a cue of some act and its content stays under
the limits below; its act is the one with the most cues. Deterministic, no
model, a few microseconds a post: it judges every post before any ranking.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from transcripts.text import STOPWORDS, answer_tag, tokens, word_token
from transcripts.transcript import Transcript, walk

GREETING = "greeting"
APPLAUSE = "applause"
META = "meta"
THANKS = "thanks"
ACTS = (GREETING, APPLAUSE, META, THANKS)
"""The kinds of chat-talk, in the order a tie between their cues is settled."""

_CUES: dict[str, tuple[str, ...]] = {
    GREETING: (
        "hi", "hii", "hiya", "hello", "helloo", "hey", "heya", "heyy", "howdy", "yo", "greetings", "morning",
        "evening", "afternoon", "gm", "ge", "hola", "buenas", "tardes", "dias", "bonjour", "hallo", "ciao", "salut",
        "here", "joining", "joined", "join", "checking", "first", "time", "again", "back", "intro", "introduce",
        "meet", "nice", "everyone", "everybody", "all", "folks", "friends", "fam", "peeps", "y'all", "yall",
        "people", "crew", "gang", "team", "from", "listener", "lurker", "regular", "newbie", "new",
    ),
    APPLAUSE: (
        "yes", "yess", "yesss", "yep", "yup", "yeah", "this", "that", "so", "true", "agree", "agreed", "exactly",
        "love", "loved", "loving", "lovely", "great", "awesome", "amazing", "brilliant", "fab", "fabulous",
        "fantastic", "wonderful", "excellent", "perfect", "beautiful", "beautifully", "nice", "good", "cool",
        "super", "useful", "helpful", "insightful", "powerful", "gold", "fire", "nailed", "spot", "point", "points",
        "tip", "tips", "idea", "ideas", "answer", "answers", "one", "said", "put", "well", "same", "totally",
        "absolutely", "definitely", "indeed", "100", "plus", "wow", "ooh", "oooh", "ooooh", "oh", "ahh", "aah",
        "oof", "omg", "yay", "woo", "whoa", "lol", "haha", "hahaha", "felt", "needed", "hear", "reminder", "couldn't",
        "more", "much", "real", "mine", "best", "favourite", "favorite", "too", "also", "word", "preach", "bingo", "right", "key", "important",
        "question", "q", "start", "honestly", "seriously", "really", "truly", "especially", "thread", "take",
    ),
    META: (
        "chat", "chats", "lurking", "lurk", "lurked", "learning", "learn", "listening", "listen", "reading",
        "following", "follow", "along", "tonight", "today", "session", "hashtag", "late", "party", "missed",
        "catching", "catch", "up", "notes", "note", "notebook", "taking", "saving", "save", "saved", "bookmark",
        "bookmarking", "bookmarked", "screenshot", "screenshotting", "reread", "rereading", "later", "tomorrow",
        "moving", "moves", "fast", "keep", "can't", "cant", "excited", "waiting", "week", "ready", "grabbed",
        "grabbing", "coffee", "tea", "snack", "brb", "row", "energy", "active", "buzzing", "sorry", "whole",
        "stuff", "everything", "filling", "app", "adding", "stealing", "steal", "writing", "sharing", "share",
        "pinning", "hour", "minutes", "let's", "go", "gooo", "goo", "already", "last", "two", "crazy",
        "talking", "here", "watching", "behind", "off", "without", "going", "need", "will",
    ),
    THANKS: (
        "thanks", "thank", "thx", "thnx", "ty", "tysm", "cheers", "grateful", "appreciate", "appreciated",
        "gracias", "merci", "danke", "obrigado", "obrigada", "arigato", "grazie", "bye", "goodbye", "night",
        "goodnight", "see", "soon", "next", "till", "until", "care", "hosting", "having", "welcome", "warm",
        "fun", "blast", "pleasure",
    ),
}
_ACT_OF: dict[str, tuple[str, ...]] = {}
for _act in ACTS:
    # A word listed twice under one act is still one cue of it, never two.
    for _word in dict.fromkeys(_CUES[_act]):
        _ACT_OF[_word] = (*_ACT_OF.get(_word, ()), _act)

_CLAPS = re.compile(r"[\U0001F44F\U0001F64C\U0001F4AF\U0001F525\u2764\U0001F499\U0001F49C\U0001F49A\U0001F64F"
                    r"\U0001F60D\U0001F929\U0001F44D\U0001F3AF\U0001F44B\u270C\U0001F60A\U0001F62D\u2728]|\+1\b")
"""Clapping, raised hands, 💯, 🔥, hearts, 🙏, 🎯, thumbs up, waving: applause (or a wave) without words."""
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_NOT_WORDS = re.compile(r"https?://\S+|[@#]\w+")
_CHAT_TAG = re.compile(r"[aq]\d{1,2}[a-z]?")
_NOT_OPENERS = frozenset({"here", "from", "this", "that", "first", "time", "again", "back", "all", "people", "new"})
"""Greeting cues that open answers as often as greetings (“First, know your why”)."""
_FIRST_LETTERS = re.compile(r"[a-z]+")
_PLACE_BEFORE = frozenset({"from", "in", "at"})

INTRO_CONTENT = 8
"""An introduction may carry this many words of its own (a job, a city) and still be a greeting."""
TALK_CONTENT = 3
"""Other chat-talk may carry this many (“Saving this thread for the team”), none of them on the topic."""
TAGGED_CONTENT = 1
"""An A-tagged post meant to answer: one stray word at most, none on the topic."""
AGREEING_REPLY_CONTENT = 3
"""A reply of agreement may carry this many, one of them on the topic (“Love the notebook idea!”)."""


@dataclass(frozen=True)
class Context:
    """What a post is judged against: its question's topic words and the names in the session."""

    topic: frozenset[str]
    """Content words of the question, the guest's answer, and words that two other posts of the question use."""
    names: frozenset[str]
    """Folded names of the people in the session (handles' leading letters and parts, the guest's name),
    with their beginnings of three letters or more: “Kathryn” names @kathrynwrites."""


def context_for(
    question: str, guest_answer: str, posts: Iterable[Sequence[str]], handles: Iterable[str], guest_name: str = ""
) -> Context:
    """The context of one question's posts: their topic and the names that may appear in them.

    `posts` are the participants' posts as their content words (`text.tokens`, which the recap has already).
    """
    return Context(_topic(question, guest_answer, posts), session_names(handles, guest_name))


def session_names(handles: Iterable[str], guest_name: str = "") -> frozenset[str]:
    """The folded names of the people in a session, with their beginnings: the same for each of its questions."""
    names: set[str] = {_fold(part) for part in guest_name.split()}
    for handle in dict.fromkeys(handles):
        names.update(_name_beginnings(handle))
    return frozenset(names)


def _topic(question: str, guest_answer: str, posts: Iterable[Sequence[str]]) -> frozenset[str]:
    """The topic words of one question: its own, the guest's answer's, and those three of its posts use."""
    topic = set(tokens(question)) | set(tokens(guest_answer))
    counts: dict[str, int] = {}
    for words in posts:
        for word in dict.fromkeys(words):
            counts[word] = counts.get(word, 0) + 1
    # A word three posts use is shared by at least two others of each of them.
    topic.update(word for word, count in counts.items() if count >= 3)
    return frozenset(topic)


def chat_talk_in(transcript: Transcript, post_tokens: Mapping[int, Sequence[str]] | None = None) -> dict[int, str]:
    """The act of each participant post of the transcript that is chat-talk, by seq (the lobby's too).

    `post_tokens` holds each post's `text.tokens` by seq where the caller has them already.
    """
    known = post_tokens or {}
    session = transcript.session
    # The names are the session's, not a question's: worked out once for every section.
    names = session_names([session.guest.handle, *(post.author for post in transcript.posts())], session.guest.name)
    by_seq = {post.seq: post for post in transcript.posts()}
    groups = [("", list(walk(transcript.lobby)))]
    groups += [(section.text, list(section.posts())) for section in transcript.sections]
    found: dict[int, str] = {}
    for question, posts in groups:
        guest = " ".join(post.body for post in posts if post.role == "guest")
        words = (
            known[post.seq] if post.seq in known else tokens(post.body) for post in posts if post.role == "participant"
        )
        context = Context(_topic(question, guest, words), names)
        for post in posts:
            if post.role != "participant":
                continue
            parent = by_seq.get(post.reply_to) if post.reply_to is not None else None
            act = dialogue_act(
                post.body,
                context,
                author=post.author,
                reply=post.reply_to is not None,
                parent=parent.body if parent is not None else "",
            )
            if act is not None:
                found[post.seq] = act
    return found


def dialogue_act(body: str, context: Context, *, author: str = "", reply: bool = False, parent: str = "") -> str | None:
    """The act of chat-talk a post is (greeting, applause, meta, thanks), or None for an answer.

    `reply` says the post replies to another, whose body `parent` is (when known).
    """
    text = _NOT_WORDS.sub(" ", body).strip()  # tags, mentions and links say nothing either way
    claps = len(_CLAPS.findall(text))
    own = _name_beginnings(author) if author else frozenset()
    cues = {act: 0 for act in ACTS}
    content: dict[str, None] = {}
    self_named = False
    opens_with_greeting = False
    previous = ""
    index = 0
    for match in _WORD.finditer(text):
        raw = match.group(0)
        word, acts, stem = _word_info(raw)
        if stem is None:
            continue  # an A1 or Q2 tag
        if index == 0 and GREETING in acts and word not in _NOT_OPENERS:
            opens_with_greeting = True
        index += 1
        if word in own:
            self_named = True
        elif acts:
            for act in acts:
                cues[act] += 1
        elif word in context.names and raw[:1].isupper():
            pass  # someone addressed by name says nothing about the question
        elif previous in _PLACE_BEFORE and raw[:1].isupper():
            pass  # “Tom from Leeds”: a place, not a point
        elif stem:
            content[stem] = None
            if len(content) > INTRO_CONTENT and not reply:
                return None  # more to say than any chat-talk has
        previous = word
    cues[APPLAUSE] += claps
    total_cues = sum(cues.values())
    topical = sum(1 for word in content if word in context.topic)
    if not content and not _WORD.search(text):
        return APPLAUSE if claps or not text.strip() or text.strip() in ("+1", "!", "!!") else None
    if total_cues == 0 and not self_named:
        return None
    if reply and text.rstrip().endswith("?"):
        return None  # a follow-up question to someone is conversation, but not chat-talk
    tagged = answer_tag(body) is not None
    if reply and parent and content and all(word in _content_set(parent) for word in content):
        # It only repeats its parent's words (“"One mod alone is a burnout plan" 💯”): agreement.
        fits = not tagged
        act = APPLAUSE
    elif self_named or opens_with_greeting:
        fits = topical <= (0 if tagged else 1) and len(content) <= (TAGGED_CONTENT if tagged else INTRO_CONTENT)
        act = GREETING if self_named or cues[GREETING] >= max(cues.values()) else _strongest(cues)
    elif tagged:
        fits = topical == 0 and len(content) <= TAGGED_CONTENT
        act = _strongest(cues)
    elif reply and cues[APPLAUSE]:
        fits = topical <= 1 and len(content) <= AGREEING_REPLY_CONTENT
        act = _strongest(cues)
    else:
        fits = topical == 0 and len(content) <= TALK_CONTENT
        act = _strongest(cues)
    return act if fits else None


def _strongest(cues: dict[str, int]) -> str:
    return max(ACTS, key=lambda act: (cues[act], -ACTS.index(act)))


@functools.lru_cache(maxsize=1 << 16)
def _word_info(raw: str) -> tuple[str, tuple[str, ...], str | None]:
    """A word folded, the acts it is a cue of, and its content stem ("" for a function word, None for a tag)."""
    word = _fold(raw)
    if _CHAT_TAG.fullmatch(word):
        return word, (), None
    # The stem is the recap's own token of the word (`text.tokens`), so the topic's words meet the post's.
    return word, _ACT_OF.get(word, ()), word_token(raw.casefold())


@functools.lru_cache(maxsize=1 << 12)
def _content_set(text: str) -> frozenset[str]:
    """A text's content words as a set, kept for the parents that many replies share."""
    return frozenset(tokens(text))


@functools.lru_cache(maxsize=1 << 16)
def _fold(word: str) -> str:
    """Lower case without accents (“Lucía” meets “lucia_cm”), with a straight apostrophe."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().replace("’", "'"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@functools.lru_cache(maxsize=1 << 12)
def _name_beginnings(handle: str) -> frozenset[str]:
    """A handle's names and their beginnings of three letters or more: “tom” names @tomleeds."""
    found: set[str] = set()
    for name in _handle_names(handle):
        found.add(name)
        found.update(name[:size] for size in range(3, len(name)))
    return frozenset(found)


@functools.lru_cache(maxsize=1 << 12)
def _handle_names(handle: str) -> frozenset[str]:
    """The names a handle suggests: its leading letters (“tomleeds”) and its parts (“jo” of “jo_fundraises”)."""
    folded = _fold(handle)
    # A part that is a common word (“in” of @in_the_loop) would make every post of theirs look like an introduction.
    return frozenset(
        part for part in _FIRST_LETTERS.findall(folded) if len(part) >= 2 and part not in STOPWORDS and part not in _ACT_OF
    )
