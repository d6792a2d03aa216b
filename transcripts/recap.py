"""The recap post: from a session's log to a Markdown draft worth publishing.

Its shape follows a real chat recap: a title; "<hashtag> chat with <guest> –
<date>"; an intro; Guest / Topic / Format; one section per answered question
with the guest's words first, then participants quoted by name (or
anonymously, as they chose), then takeaways where people wrote lists; and a
closing with the figures a community manager reports. Every quote links to
its post (`<base>/s/<slug>#m<seq>`).

Deterministic: the same log and base URL give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from transcripts import stats
from transcripts.chat_talk import chat_talk_in
from transcripts.markdown_text import blockquote, escape, link
from transcripts.model import SessionInfo, Source, long_date
from transcripts.selection import GuestAnswer, QuestionRecap, Quote, Selector
from transcripts.stats import Activity, Figures
from transcripts.summarize import Vectorizer
from transcripts.text import quote_span, tokens, words
from transcripts.transcript import Post, build_transcript

TARGET_WORDS = 1100
"""What a whole recap aims at; each question gets its share of what the intro and closing leave."""
FRAME_WORDS = 220
MIN_SECTION_WORDS = 100
MAX_SECTION_WORDS = 320

GUEST_LEADS = (
    "Here’s how {guest} answered:",
    "{guest} put it this way:",
    "In {guest}’s words:",
    "{guest}’s take:",
    "Over to {guest}:",
)
GUEST_LIST_LEADS = ("{guest} broke it down:", "{guest} had a list ready:", "{guest} laid it out:")
NO_GUEST_LEADS = ("{guest} left this one to the crowd.", "This one was all the crowd’s.")
QUOTE_LEADS = (
    "{who} sums it up:",
    "{who} adds:",
    "{who} puts it well:",
    "{who} makes a good point:",
    "{who} chimes in:",
    "{who} brings another angle:",
    "And from {who}:",
)
MOST_LIKED_LEADS = ("The most-liked answer here came from {who}:", "{who} got the most likes for this one:")
MOST_LIKED_MIN = 5
"""A quote is called the question's most liked only with at least this many likes."""
TAKEAWAY_LEADS = ("Takeaways from the chat:", "And our takeaways from that:", "What the chat took away:")

Progress = Callable[[int, int], None]
"""Called with (steps done, steps in all) as a recap is built."""


@dataclass(frozen=True)
class Recap:
    """A generated recap: its Markdown, and what it was made of (for the HTML page and for checks)."""

    session: SessionInfo
    questions: tuple[QuestionRecap, ...]
    figures: Figures
    activity: Activity | None
    markdown: str
    base_url: str

    def post_url(self, seq: int) -> str:
        return post_url(self.base_url, self.session.slug, seq)


def post_url(base_url: str, slug: str, seq: int) -> str:
    """Where a post is shown in the session's page."""
    return f"{base_url.rstrip('/')}/s/{slug}#m{seq}"


def build_recap(source: Source, base_url: str, *, progress: Progress | None = None) -> Recap:
    """The recap of a session, from its log."""
    transcript = build_transcript(source)
    total = len(transcript.sections) + 2
    report = progress or (lambda done, total: None)
    report(1, total)
    post_tokens = {post.seq: tokens(post.body) for post in transcript.posts()}
    vectorizer = Vectorizer([*post_tokens.values(), *(tokens(s.text) for s in transcript.sections)])
    # Chat-talk (greetings, applause, thanks) is judged once, before any ranking: likes must never lift it.
    chat_talk = chat_talk_in(transcript, post_tokens)
    selector = Selector(source.session, vectorizer, stats.quote_choices(source.people), post_tokens, chat_talk)
    answered = sum(1 for s in transcript.sections if any(p.role != "moderator" for p in s.posts()))
    budget = (TARGET_WORDS - FRAME_WORDS) // max(answered, 1)
    budget = min(MAX_SECTION_WORDS, max(MIN_SECTION_WORDS, budget))
    questions = []
    for done, section in enumerate(transcript.sections, start=2):
        if (question := selector.select(section, budget)) is not None:
            questions.append(question)
        report(done, total)
    figures = stats.count(source, transcript, chat_talk)
    markdown = _Writer(source.session, base_url, stats.quote_choices(source.people)).write(questions, figures)
    report(total, total)
    return Recap(source.session, tuple(questions), figures, stats.activity(transcript), markdown, base_url)


class _Writer:
    def __init__(self, session: SessionInfo, base_url: str, choices: dict[str, str]) -> None:
        self.session = session
        self.base_url = base_url
        self.choices = choices
        self.first_name = session.guest.name.split()[0] if session.guest.name.split() else session.guest.handle

    def write(self, questions: list[QuestionRecap], figures: Figures) -> str:
        session = self.session
        blocks = [
            f"# {escape(session.title, inline=True)}",
            # The whole line is one paragraph of people's words, so it is escaped as one.
            escape(f"{session.hashtag} chat with {session.guest.name} – {long_date(session.starts_at)}"),
            *self._intro(figures, len(questions)),
            "\\\n".join(
                [
                    f"**Guest:** {escape(session.guest.name, inline=True)}",
                    f"**Topic:** {escape(session.title, inline=True)}",
                    f"**Format:** {escape(self._format(), inline=True)}",
                ]
            ),
        ]
        for question in questions:
            blocks.extend(self._section(question))
        blocks.extend(self._closing(figures))
        return "\n\n".join(blocks) + "\n"

    def _intro(self, figures: Figures, answered: int) -> list[str]:
        session = self.session
        opening = (
            f"On {long_date(session.starts_at)}, the {escape(session.hashtag, inline=True)} community sat down with "
            f"{escape(session.guest.name, inline=True)} for a chat on “{escape(session.title, inline=True)}”."
        )
        bio = _bio_sentence(session.guest.name, session.guest.bio)
        if bio:
            opening += " " + escape(bio, inline=True)
        took_part = (
            f"{_count(figures.participants, 'person', 'people')} took part, with "
            f"{_count(figures.answers, 'answer')} and {_count(figures.replies, 'reply', 'replies')} "
            f"across {_count(answered, 'question')}"
        )
        readers = figures.joined - figures.participants
        took_part += f", and {readers} more read along." if readers > 0 else "."
        return [opening, f"{took_part} So here’s how our chat with {escape(self.first_name, inline=True)} went."]

    def _format(self) -> str:
        if self.session.format:
            return self.session.format
        count = len(self.session.questions)
        return f"{_count(count, 'question')} directed at the guest. Everyone’s welcome to share."

    def _section(self, question: QuestionRecap) -> list[str]:
        n = question.number
        blocks = ["## " + escape(f"Q{n}: {question.text}")]  # the heading's words are a line of their own
        if question.guest is not None:
            blocks.extend(self._guest(question.guest, n))
        else:
            blocks.append(escape(NO_GUEST_LEADS[n % len(NO_GUEST_LEADS)].format(guest=self.first_name)))
        for index, quote in enumerate(question.quotes):
            who = self._who(quote, question.quotes[:index])
            if quote.likes >= MOST_LIKED_MIN and quote.likes == question.most_likes:
                lead = MOST_LIKED_LEADS[n % len(MOST_LIKED_LEADS)].format(who=who)
            else:
                lead = QUOTE_LEADS[(2 * n + index) % len(QUOTE_LEADS)].format(who=who)
            blocks.extend([lead, blockquote(quote.text)])
        if question.takeaways:
            blocks.append(TAKEAWAY_LEADS[n % len(TAKEAWAY_LEADS)])
            blocks.append(
                "\n".join(
                    f"- {escape(item.text, item=True)} ({self._who(item, question.takeaways[:index], lower=True)})"
                    for index, item in enumerate(question.takeaways)
                )
            )
        return blocks

    def _guest(self, answer: GuestAnswer, n: int) -> list[str]:
        guest = link(self.first_name, post_url(self.base_url, self.session.slug, answer.seqs[0]))
        leads = GUEST_LIST_LEADS if answer.has_list else GUEST_LEADS
        quoted = []
        for block in answer.blocks:
            if isinstance(block, str):
                quoted.append(blockquote(block))
            else:
                quoted.append("\n".join(f"> {i}. {escape(item, item=True)}" for i, item in enumerate(block, start=1)))
        return [leads[n % len(leads)].format(guest=guest), "\n>\n".join(quoted)]

    def _who(self, quote: Quote, before: tuple[Quote, ...], *, lower: bool = False) -> str:
        url = post_url(self.base_url, self.session.slug, quote.seq)
        if quote.credit is not None:
            return link(f"@{quote.credit}", url)
        label = "Another participant" if any(q.credit is None for q in before) else "One participant"
        return link(label.lower() if lower else label, url)

    def _closing(self, figures: Figures) -> list[str]:
        hashtag = escape(self.session.hashtag, inline=True)
        if figures.returning:
            people = (
                f"{_count(figures.participants, 'person', 'people')}: {figures.newcomers} new to {hashtag}, "
                f"{figures.returning} back from earlier chats"
            )
        else:
            people = f"{_count(figures.participants, 'person', 'people')}, all new to {hashtag} chats here"
        blocks = [
            "## Wrapping up",
            "\n".join(
                [
                    f"- **Participants:** {people}",
                    f"- **Answers:** {figures.answers}, **replies:** {figures.replies}, **likes:** {figures.likes}",
                ]
            ),
        ]
        if (top := figures.most_liked) is not None:
            blocks.extend(self._most_liked(top))
        blocks.append(
            f"Thanks to {escape(self.session.guest.name, inline=True)} for sharing, and to everyone who joined in. "
            f"Feel free to share your thoughts as comments or leave a follow-up question for {escape(self.first_name, inline=True)}."
        )
        return blocks

    def _most_liked(self, post: Post) -> list[str]:
        start, end = quote_span(post.body, self.session.hashtag)
        if words(post.body[start:end]) == 0:
            return []
        url = post_url(self.base_url, self.session.slug, post.seq)
        if post.role == "guest":
            who = link(self.first_name, url)
        elif stats.quote_choice(self.choices, post.author, post.role) == "anonymous":
            who = link("a participant", url)
        else:
            who = link(f"@{post.author}", url)
        where = f" on Q{post.question}" if post.question is not None else ""
        return [
            f"The most-liked answer came from {who}{where}, with {_count(post.likes, 'like')}:",
            blockquote(post.body[start:end]),
        ]


def _bio_sentence(name: str, bio: str) -> str:
    bio = " ".join(bio.split())
    if not bio:
        return ""
    if bio.endswith((".", "!", "?")) or bio.split()[0].casefold() in {part.casefold() for part in name.split()}:
        return bio if bio.endswith((".", "!", "?")) else bio + "."
    article = "an" if bio[0].casefold() in "aeiou" else "a"
    first = bio[0].lower() if bio[1:2].islower() else bio[0]  # “CEO of …” keeps its capitals
    return f"{name} is {article} {first}{bio[1:]}."


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"

