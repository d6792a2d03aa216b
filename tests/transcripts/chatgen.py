"""A deterministic generator of realistic chat logs, for the recap's tests and benchmark.

It writes the log a live leadership chat would leave: questions dropping every
six minutes, a guest answering (sometimes in lists, sometimes in threads), a
crowd answering in its own words, replies, likes, and the moderation a real
chat sees (a hidden post, a banned spammer, a refiled answer, a held post
approved late). Who asked to be quoted anonymously or not at all is recorded,
so tests can check the recap honours it. The same seed gives the same log.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from host.protocol.times import iso
from transcripts.model import GuestInfo, LogEvent, Person, SessionInfo, Source, folded_handle

T0 = 1_796_317_200.0  # 2026-12-03T17:00:00Z
HASHTAG = "#TwitterSmarter"
GUEST = GuestInfo("genepetrov", "Gene Petrov", "Business consultant, leadership coach and active social media manager")

QUESTIONS = (
    "What do you mean by “community” on social media?",
    "How do you go about creating a community?",
    "Why is it important for a brand/business to have a community on social media?",
    "Are all brands/businesses leaders?",
    "What does it mean to lead on social media?",
    "What does a leader bring to the community?",
    "What makes a good leader on social media?",
    "Share some tips to being a successful leader on social media.",
)

GUEST_ANSWERS: tuple[tuple[str, ...], ...] = (
    (
        "A1: Everyone has their own definition, but at its essence a community is a group of people who share "
        "common interests and keep helping each other out. #TwitterSmarter",
        "A1: Physical communities are bound by location. Online ones can welcome a global audience, and they "
        "should be rooted in mutual respect and trust.",
    ),
    (
        "A2: 1) Know your why: a purpose people can rally around. 2) Find the right person to run it, someone "
        "who will be around and understands that purpose. #TwitterSmarter",
        "A2: 3) Make it a safe space: be transparent, let everyone know they matter. 4) Set ground rules. "
        "5) Be patient: overnight success is a fantasy.",
    ),
    (
        "A3: People reach out to people. No algorithm changes that instinct, so a brand needs human "
        "representatives online that fans can rely on. #TwitterSmarter",
        "A3: Do that well and your business practically sells itself, because your community vouches for you.",
    ),
    (
        "A4: The short answer: you can't be a leader if you're trying to be everything to everyone. "
        "#TwitterSmarter",
        "A4: Leading takes time and effort to nurture a cause and the people who support it. Most brands "
        "never put that in.",
    ),
    (
        "A5: Leading online isn't so different from leading offline, but conversations are brittle here, so "
        "you need to be extra sensible. #TwitterSmarter",
        "A5: Serve first. Share your voice but know the weight it carries. Respond, don't react. Show up "
        "consistently and think beyond the next sale.",
    ),
    (
        "A6: A broad mind, a welcoming place, a generous vision, compassion and a lot of inspiration. "
        "#TwitterSmarter",
    ),
    (
        "A7: Knowing what you're doing, and why. Ask yourself what gets you up every morning: a pay check or "
        "a cause you believe in? #TwitterSmarter",
        "A7: We all make mistakes. A good leader learns from them and adapts when the ground shifts.",
    ),
    (
        "A8: - Listen more than you post - Give credit generously - Admit when you're wrong - Keep showing up, "
        "especially when it's quiet #TwitterSmarter",
        "A8: Long-term success has no shortcuts. Be patient with your people and with yourself.",
    ),
)

CLAIMS: tuple[tuple[str, ...], ...] = (
    (
        "you can be yourself in a community, because they'll always have your back",
        "a community is the people who show up for each other, again and again, even when there's nothing to sell",
        "it's a group that shares a goal, not just a follower count",
        "community is where the conversation keeps going after the post is gone",
        "it's the people who answer your question at 11pm without being asked twice",
        "a real community argues kindly and still shows up the next week",
        "followers watch, a community talks back and talks to each other",
        "it's a shared space where newcomers get welcomed instead of ignored",
        "community means trust: people share their half-finished ideas because nobody will pounce",
        "it's the regulars who know each other's names and the lurkers who finally say hi",
        "a hashtag becomes a community the day people start helping strangers in it",
        "it's not an audience you broadcast to, it's a circle you sit in",
    ),
    (
        "listen before you launch and find out what people already talk about, then give it a home",
        "start by showing up in other people's communities before you build your own",
        "twitter chats are the easiest way in: join a few, then start your own",
        "pick one clear purpose and say it out loud so people know why they're here",
        "write the ground rules on day one, it's much harder to add them later",
        "find two or three people who care as much as you do and build it with them",
        "answer every single person in the first month, that's how the habit forms",
        "consistency beats size: the same time every week builds the ritual",
        "make the first post a question, not an announcement",
        "give members something to do, not just something to read",
        "celebrate the first people who show up, publicly and by name",
        "be patient, the first six months will feel like talking to yourself",
    ),
    (
        "a community is proof of your credibility that no ad can buy",
        "if you want to last you need your cheerleaders, and they come from community",
        "customers trust other customers far more than they trust the brand account",
        "your community tells you what's broken before the reviews do",
        "it turns support questions into conversations that help the next person",
        "people stay with brands that make them feel they belong somewhere",
        "the feedback loop is priceless: product ideas come straight from the people using it",
        "word of mouth is just community that happens to be talking about you",
        "a brand without a community is shouting into an empty room",
        "community members defend you when something goes wrong, followers just unfollow",
        "it keeps the brand human, people reach out to people",
        "loyal members bring their friends, and that's growth nobody paid for",
    ),
    (
        "calling yourself a thought leader doesn't make you one, people decide that",
        "most brands are followers of trends, very few actually set them",
        "leadership is earned by lifting others up, not by the size of the logo",
        "a brand leads when it stands for something even when it costs it a sale",
        "you lead by challenging views and learning from the people you serve",
        "leaders share the stage, brands that hog it aren't leading anyone",
        "not every brand is a leader, but every brand can choose to act like one",
        "being big is not the same as being a leader, plenty of small brands lead",
        "leadership shows in how a brand handles its mistakes in public",
        "a leader brand gives away knowledge freely and still wins",
        "if nobody would follow you without the discount, you're not leading",
        "brands lead when their people are allowed to speak like humans",
    ),
    (
        "serve your community first, selfishness isn't leadership",
        "have self-control: don't react impulsively, respond with dignity",
        "share your voice but remember the responsibility that comes with it",
        "leading online means modelling the behaviour you want to see in the replies",
        "show up consistently and because you genuinely care",
        "it means thinking beyond that one sale",
        "leading is knowing when to step back so other voices are heard",
        "you lead by asking better questions than everyone else",
        "leading online is taking the heat when a thread turns sour and calming it down",
        "a leader on social media makes it safe to disagree",
        "leading means giving credit loudly and taking blame quietly",
        "it's being the same person in the DMs as you are on the timeline",
    ),
    (
        "a leader brings a broad mind and a welcoming place for new voices",
        "vision: people need to know where the community is going",
        "compassion, because people bring their whole lives into these spaces",
        "inspiration, the sense that what we do here matters",
        "a good leader brings structure so the conversation doesn't drown in noise",
        "they bring connections, introducing people who should know each other",
        "a leader brings calm when the timeline gets heated",
        "energy: someone has to keep the lights on when things go quiet",
        "they bring accountability, the rules mean something because they follow them too",
        "a leader brings stories that remind everyone why they joined",
        "generosity with time, attention and credit",
        "a leader brings the patience to let members grow into leaders themselves",
    ),
    (
        "a good leader knows what they're doing and why they're doing it",
        "they learn from mistakes and adapt to a changing environment",
        "empathy: they read the room before they post",
        "humility, the best leaders I follow still ask questions in public",
        "consistency, they are there on the good days and the bad ones",
        "a good leader listens more than they talk",
        "they are driven by a cause they believe in, not just a pay check",
        "transparency, they explain their decisions instead of hiding them",
        "a good leader makes other people look good",
        "clear values that don't change with the trending topic",
        "they keep their promises, even the small ones like replying tomorrow",
        "curiosity, they want to understand people before answering them",
    ),
    (
        "be patient, long-term success has no shortcuts",
        "reply to every comment in the first hour after you post",
        "share other people's work more than your own",
        "set a schedule you can keep and keep it",
        "ask for feedback, then show people what you changed because of it",
        "admit when you're wrong, fast and in public",
        "mute the noise and focus on the people who show up",
        "invest in relationships before you need them",
        "keep learning: read, join chats, ask questions",
        "be generous with praise and specific about it",
        "protect your community from spam and trolls, a safe space needs guarding",
        "take breaks, a burnt-out leader can't lead anyone",
    ),
)

OPENERS = ("", "", "", "For me, ", "Honestly, ", "I'd say ", "In my experience, ", "Simple: ", "To me ", "I think ")
CLOSERS = (
    "",
    "",
    "",
    " Took me years to learn that.",
    " That's why I keep coming back here.",
    " Learned that the hard way!",
    " 💯",
    " Great question!",
    " Still working on this one myself.",
    " Can't stress this enough.",
)
REPLIES = (
    "So true, {name}. That's exactly what I've seen too.",
    "This! {name} nailed it.",
    "Love this point, {name}, especially the part about {topic}.",
    "Agree 100%. We tried the opposite once and it didn't end well.",
    "Could you say more about {topic}? Curious how that works in practice.",
    "Yes! And it takes time, nobody gets this right on day one.",
    "Saving this one, {name}.",
    "Exactly. I'd add that it has to be genuine or people notice.",
)
GREETINGS = (
    "Hi everyone! {name} here, coffee in hand. Excited for this one #TwitterSmarter",
    "Hello from {name}! First time joining live, lurked for months",
    "Evening all, {name} checking in from the train #TwitterSmarter",
)
FIRST = ["kathryn", "ginny", "tina", "tom", "maya", "leo", "priya", "sam", "nora", "raj", "lena", "omar", "ivy", "jonas", "ada", "felix", "zoe", "hugo", "mila", "ravi", "elena", "marco", "sara", "dan", "yuki", "ben", "chloe", "amir", "lucia", "noah", "ella", "kofi", "hana", "pablo", "iris", "theo"]
LAST = ["writes", "social", "tweets", "cm", "pr", "digital", "media", "grows", "builds", "leads"]


@dataclass
class Chat:
    """A generated log and what its moderation and people's choices were."""

    source: Source
    hidden: set[int] = field(default_factory=set)
    """Seqs of posts hidden at the end of the log."""
    banned: set[str] = field(default_factory=set)
    opted_out: set[str] = field(default_factory=set)
    anonymous: set[str] = field(default_factory=set)
    refiled: dict[int, int] = field(default_factory=dict)
    """seq → the question it was moved to."""
    approved: set[int] = field(default_factory=set)
    late: set[int] = field(default_factory=set)
    """Seqs of answers posted after the next question dropped."""


class LogBuilder:
    """Appends events with consecutive seqs, as a room commits them."""

    def __init__(self) -> None:
        self.events: list[LogEvent] = []

    @property
    def head(self) -> int:
        return len(self.events)

    def add(self, kind: str, at: float, data: dict[str, Any]) -> int:
        seq = self.head + 1
        self.events.append(LogEvent(seq, kind, at, data))
        return seq

    def message(
        self, at: float, author: str, role: str, question: int | None, body: str, reply_to: int | None = None
    ) -> int:
        message = {"seq": self.head + 1, "author": author, "role": role, "question": question, "body": body,
                   "reply_to": reply_to, "at": iso(at)}
        return self.add("message", at, {"message": message})


def generate_chat(
    seed: int = 7,
    *,
    people: int = 60,
    answers_per_question: int = 40,
    reply_share: float = 0.25,
    questions: int = 8,
    minutes_per_question: float = 6.0,
    returning: int = 15,
) -> Chat:
    """A whole session's log: lobby, `questions` questions with their answers, replies and likes, the end."""
    rng = random.Random(seed)
    handles = _handles(rng, people)
    chat = Chat(source=None)  # type: ignore[arg-type]
    chat.opted_out = set(handles[3:people:17])
    chat.anonymous = set(handles[5:people:13]) - chat.opted_out
    spammer = "deals4u"
    log = LogBuilder()
    spacing = minutes_per_question * 60.0
    log.add("state", T0 - 600, {"state": "lobby", "question": None, "next_at": iso(T0), "paused": False})
    for index, greeting in enumerate(GREETINGS):
        log.message(T0 - 300 + 60 * index, handles[index], "participant", None, greeting.format(name=handles[index]))
    for number in range(1, questions + 1):
        opened = T0 + (number - 1) * spacing
        text = QUESTIONS[(number - 1) % len(QUESTIONS)]
        log.add("question", opened, {"number": number, "text": text})
        live = {"state": "live", "question": number, "next_at": iso(opened + spacing), "paused": False}
        log.add("state", opened, live)
        log.message(opened + 1, "host", "moderator", number, f"Q{number}: {text} {HASHTAG}", None)
        at = opened + 20
        posted: list[tuple[int, str]] = []
        for body in GUEST_ANSWERS[(number - 1) % len(GUEST_ANSWERS)]:
            at += rng.uniform(20, 50)
            parent = posted[-1][0] if posted and rng.random() < 0.5 else None  # guests often thread
            posted.append((log.message(at, GUEST.handle, "guest", number, body, parent), GUEST.handle))
        claims = CLAIMS[(number - 1) % len(CLAIMS)]
        # Answers come fast after a question drops and thin out towards the next one.
        times = sorted(opened + 60 + rng.betavariate(1.2, 2.5) * (spacing - 70) for _ in range(answers_per_question))
        for at in times:
            author = rng.choice(handles)
            if posted and rng.random() < reply_share:
                parent_seq, parent_author = rng.choice(posted)
                body = _reply(rng, parent_author, claims)
                posted.append((log.message(at, author, "participant", number, body, parent_seq), author))
            else:
                body = _answer(rng, number, claims)
                posted.append((log.message(at, author, "participant", number, body, None), author))
        at = opened + spacing - 60
        spam = f"A{number}: Best deals on followers!! Click my profile for 10k followers in a day"
        log.message(opened + spacing / 2, spammer, "participant", number, spam)  # banned by the end
        _like(rng, log, posted, handles, at)
        if number == 2:  # an answer posted late, under Q1, after Q2 dropped
            chat.late.add(log.message(at + 5, handles[7], "participant", 1, "A1: Late to the party, but a community "
                                      "is where people notice when you're missing. #TwitterSmarter", None))
        if number == 3:  # a rude answer, hidden by the moderator
            rude = log.message(at + 7, handles[9], "participant", 3, "A3: Brands only care about money, this whole "
                               "chat is naive nonsense and so are you all", None)
            log.add("hide", at + 30, {"target": rude, "reason": "personal attack", "by": "host"})
            chat.hidden.add(rude)
        if number == 4:  # hidden then restored: it stays in
            kept = log.message(at + 9, handles[10], "participant", 4, "A4: Hot take: most brands that call themselves "
                               "leaders are really just loud. Leading means people choose to follow you.", None)
            log.add("hide", at + 20, {"target": kept, "by": "host"})
            log.add("unhide", at + 40, {"target": kept, "by": "host", "message": {}})
        if number == 5:  # filed under the wrong question, moved by the moderator
            moved = log.message(at + 11, handles[11], "participant", 5, "A6: A leader brings the calm that keeps a "
                                "heated thread from turning into a fight, and people remember that.", None)
            log.add("refile", at + 25, {"target": moved, "question": 6, "by": "host"})
            chat.refiled[moved] = 6
        if number == 6:  # held for review, approved: it keeps the held post's seq
            message = {"seq": 0, "author": handles[12], "role": "participant", "question": 6,
                       "body": "A6: A leader brings the permission to try things and fail in front of everyone "
                       "without being laughed at.", "reply_to": None, "at": iso(at + 13)}
            held = log.add("held", at + 13, {"message": message, "reason": "premoderation"})
            message["seq"] = held
            log.add("approve", at + 50, {"target": held, "message": message})
            chat.approved.add(held)
    end = T0 + questions * spacing + 300
    log.add("state", T0 + questions * spacing, {"state": "wrapup", "question": questions, "next_at": iso(end),
                                                "paused": False})
    log.add("ban", end - 200, {"handle": spammer, "reason": "spam", "by": "host"})
    chat.banned.add(spammer)
    log.add("state", end, {"state": "ended", "question": questions, "next_at": None, "paused": False})
    persons = tuple(
        Person(handle, "none" if handle in chat.opted_out else "anonymous" if handle in chat.anonymous else "handle",
               T0 - 900 + index)
        for index, handle in enumerate([*handles, spammer])
    )
    seen_before = frozenset(folded_handle(handle) for handle in handles[:returning])
    session = SessionInfo(
        slug="leadership",
        title="The Role of Leadership in Social Media Communities",
        hashtag=HASHTAG,
        guest=GUEST,
        questions=tuple(QUESTIONS[i % len(QUESTIONS)] for i in range(questions)),
        starts_at=T0,
        format=f"{questions} questions directed at the guest. Everyone’s welcome to share.",
    )
    chat.source = Source(session, tuple(log.events), persons, seen_before)
    return chat


def _handles(rng: random.Random, count: int) -> list[str]:
    handles: list[str] = []
    while len(handles) < count:
        first = FIRST[len(handles) % len(FIRST)]
        handle = first if len(handles) < len(FIRST) else f"{first}{rng.choice(LAST)}{len(handles)}"
        handles.append(handle)
    return handles


def _answer(rng: random.Random, number: int, claims: tuple[str, ...]) -> str:
    roll = rng.random()
    if roll < 0.08:  # a list of takeaways
        picked = rng.sample(claims, 3)
        body = " ".join(f"{i}) {claim[0].upper()}{claim[1:]}." for i, claim in enumerate(picked, start=1))
        return f"A{number}: My three: {body} {HASHTAG}"
    claim = rng.choice(claims)
    sentence = rng.choice(OPENERS) + claim
    if roll < 0.3:
        second = rng.choice([c for c in claims if c != claim])
        sentence += f". And {second}"
    body = f"{sentence[0].upper()}{sentence[1:]}.{rng.choice(CLOSERS)}"
    tag = f"A{number}: " if rng.random() < 0.85 else ""
    suffix = f" {HASHTAG}" if rng.random() < 0.6 else ""
    return f"{tag}{body}{suffix}"


def _reply(rng: random.Random, parent_author: str, claims: tuple[str, ...]) -> str:
    topic = " ".join(rng.choice(claims).split()[2:6])
    text = rng.choice(REPLIES).format(name=parent_author, topic=topic)
    return f"@{parent_author} {text}"


def _like(rng: random.Random, log: LogBuilder, posted: list[tuple[int, str]], handles: list[str], at: float) -> None:
    # Likes cluster: a few posts get many, most get one or none.
    for seq, author in posted:
        weight = rng.paretovariate(1.6) - 1.0
        count = min(int(weight * 2), len(handles) - 1)
        for liker in rng.sample(handles, count):
            if liker != author:
                log.add("reaction", at, {"target": seq, "emoji": "like", "by": liker, "on": True, "count": 0})
    if posted:  # one like taken back, as people do
        seq, _ = posted[0]
        log.add("reaction", at, {"target": seq, "emoji": "like", "by": handles[0], "on": True, "count": 0})
        log.add("reaction", at, {"target": seq, "emoji": "like", "by": handles[0], "on": False, "count": 0})


def session_info(questions: int = 3, **overrides: Any) -> SessionInfo:
    """A small session definition for hand-built logs."""
    values: dict[str, Any] = {
        "slug": "chat",
        "title": "Leadership in communities",
        "hashtag": HASHTAG,
        "guest": GUEST,
        "questions": QUESTIONS[:questions],
        "starts_at": T0,
        "format": "",
    }
    values.update(overrides)
    return SessionInfo(**values)
