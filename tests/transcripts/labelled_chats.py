"""Noisy chats written by hand, every post labelled: what the chat-talk judgement is scored on.

Real chats are a third to half chat-talk: greetings and introductions at the
start, applause after the guest's answers, a popular “Great question!”, meta
talk about the chat itself, thanks at the end; chat-talk often gets more
likes than the answers. Each chat below has that, and a promotion the
moderator hides.

A post is one line: `question label author likes [^line] body`, where question
0 is the lobby, `^line` makes it a reply to the chat's post on that line
(counted from 1, the header lines left out), and the label is one of
`answer` (says something about the question), the kinds of chat-talk
(`greeting`, `applause`, `meta`, `thanks`), `other` (neither: a follow-up
question, a joke off the topic) or `promo` (hidden by the moderator).

TUNING is what the judgement was tuned on; HELD_OUT was written with it and
never used for tuning, so the figures on it say how the judgement does on
chats it has not seen.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.transcripts.chatgen import LogBuilder
from transcripts.model import GuestInfo, Person, SessionInfo, Source

T0 = 1_799_000_000.0
CHAT_TALK = frozenset({"greeting", "applause", "meta", "thanks"})


@dataclass(frozen=True)
class LabelledPost:
    """One post of a labelled chat."""

    seq: int
    question: int | None
    label: str
    author: str
    likes: int
    body: str


@dataclass(frozen=True)
class LabelledChat:
    """A chat's source and the label of each of its posts, by seq."""

    name: str
    source: Source
    posts: tuple[LabelledPost, ...]

    def label(self, seq: int) -> str:
        return next(post.label for post in self.posts if post.seq == seq)


def _chat(name: str, title: str, hashtag: str, guest: GuestInfo, questions: tuple[str, ...], text: str) -> LabelledChat:
    log = LogBuilder()
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    log.add("state", T0 - 900, {"state": "lobby", "question": None, "next_at": None, "paused": False})
    seqs: list[int] = []
    posts: list[LabelledPost] = []
    opened: set[int] = set()
    people: dict[str, None] = {}
    at = T0 - 600.0
    for line in lines:
        number_text, label, author, likes_text, rest = line.split(" ", 4)
        number = int(number_text) or None
        if number is not None and number not in opened:
            opened.add(number)
            at = max(at, T0 + (number - 1) * 600.0)
            log.add("question", at, {"number": number, "text": questions[number - 1]})
            log.add("state", at, {"state": "live", "question": number, "next_at": None, "paused": False})
            log.message(at + 1, "host", "moderator", number, f"Q{number}: {questions[number - 1]} {hashtag}")
        reply_to = None
        if rest.startswith("^"):
            ref, rest = rest.split(" ", 1)
            reply_to = seqs[int(ref[1:]) - 1]
        at += 9.0
        role = "guest" if author == guest.handle else "participant"
        seq = log.message(at, author, role, number, rest, reply_to)
        seqs.append(seq)
        if role == "participant":
            people[author] = None
        for index in range(int(likes_text)):
            log.add("reaction", at + 1, {"target": seq, "emoji": "like", "by": f"fan{index}", "on": True, "count": 0})
        if label == "promo":
            log.add("hide", at + 5, {"target": seq, "reason": "promotion", "by": "host"})
        posts.append(LabelledPost(seq, number, label, author, int(likes_text), rest))
    last = max(opened)
    log.add("state", at + 60, {"state": "ended", "question": last, "next_at": None, "paused": False})
    session = SessionInfo(name, title, hashtag, guest, questions, T0, f"{len(questions)} questions for the guest.")
    persons = tuple(Person(handle) for handle in people)
    return LabelledChat(name, Source(session, tuple(log.events), persons), tuple(posts))


CONTENT = _chat(
    "evergreen",
    "Content That Lasts",
    "#ContentChat",
    GuestInfo("marisolvega", "Marisol Vega", "Content strategist at a small agency"),
    (
        "What makes a piece of content evergreen?",
        "How do you decide what to update and what to retire?",
        "Where do your best content ideas come from?",
        "How do you measure whether old content still works?",
        "What is one habit that keeps a content calendar sane?",
    ),
    """
    0 greeting tomleeds 14 Hi all, Tom from Leeds here, first time joining!
    0 greeting kathrynwrites 11 Evening everyone 👋 Kathryn here, content lead at a bakery chain #ContentChat
    0 greeting priya_pr 9 Hello hello! Priya checking in from Pune, coffee ready ☕
    0 meta ginnysocial 6 So excited for this one, been waiting all week!
    0 greeting omarbuilds 5 Hey folks, Omar from Cairo. Long time lurker, first time talking
    1 answer marisolvega 8 A1: Evergreen content answers a question people will still ask in two years. It solves a problem, not a news cycle. #ContentChat
    1 answer marisolvega 6 A1: It also avoids dates, prices and screenshots of tools that change every month.
    1 applause tomleeds 15 ^6 So true! 🙌
    1 applause kathrynwrites 12 Great question! #ContentChat
    1 answer kathrynwrites 4 A1: For us it's the recipes. A sourdough guide from 2016 still brings in half our traffic.
    1 answer priya_pr 3 A1: Evergreen pieces are built around a problem your reader has, not around your product launch.
    1 answer samcm 2 A1 Anything that teaches a basic skill well: how to write a brief, how to pitch, how to say no to a client.
    1 meta ginnysocial 7 Lurking and learning tonight 📚
    1 applause omarbuilds 9 ^6 Love this, Marisol!
    1 answer noradigital 1 A1: If you'd be embarrassed to reread it next year, it isn't evergreen. Trends age fast, fundamentals don't.
    1 other leomedia 0 ^11 @priya_pr do you ever tie a launch back to an evergreen guide though?
    2 answer marisolvega 7 A2: Look at three numbers for each page: search traffic, time on page and conversions. Update what still earns traffic but reads stale.
    2 answer marisolvega 5 A2: Retire what no longer matches what you sell or believe. Redirect it to the closest living page so the links keep working.
    2 applause tomleeds 13 ^17 Yes! This is gold 🔥
    2 applause kathrynwrites 8 ^18 +1 to redirects, learned that one the painful way
    2 answer samcm 4 A2: We audit every quarter. Anything under 50 visits a month gets merged into a stronger page or removed.
    2 answer priya_pr 3 A2: Update the pages that rank on page two of search. A refresh often pushes them to page one.
    2 meta adaworks 5 Following along from Berlin, this chat moves fast!
    2 answer noradigital 2 A2: Ask support which articles they keep sending to customers. Those deserve an update first.
    2 promo dealsbot 0 A2: Want 10k views on every post? DM me for our growth package!
    2 applause ginnysocial 6 ^21 Same here Sam, the quarterly audit saved our blog
    2 answer leomedia 1 A2: Anything with an outdated screenshot gets updated first, readers lose trust instantly when the interface looks different.
    2 applause omarbuilds 4 ^22 Brilliant tip Priya 👏👏
    3 answer marisolvega 9 A3: From the questions customers ask sales and support. Every repeated question is an article waiting to be written.
    3 answer marisolvega 4 A3: And from the comments on our own posts. Readers tell you what they still don't understand.
    3 applause kathrynwrites 16 Great question! Can't wait to read the answers to this one
    3 applause tomleeds 10 ^29 This! 🙌
    3 answer kathrynwrites 3 A3: Our shop staff keep a notebook of what customers ask at the counter. We turn the top five into posts each month.
    3 answer adaworks 2 A3: Reddit threads in our niche. The questions people ask anonymously are the honest ones.
    3 answer samcm 2 A3: I keep a swipe file of headlines that made me click, then ask why each one worked.
    3 meta tomleeds 7 Tom again, loving this one
    3 answer noradigital 1 A3 Sales call recordings. Listen for the moment the customer leans in, that's your next topic.
    3 applause ginnysocial 5 ^33 Ooh love the notebook idea Kathryn!
    3 answer omarbuilds 1 A3: Competitor gaps. Read their top posts and write the piece they were afraid to write.
    3 other leomedia 0 ^35 Does anyone use a tool for the swipe file or just a doc?
    4 answer marisolvega 6 A4: Track each old page against the goal it was written for. A guide meant to bring signups should still bring signups.
    4 answer marisolvega 4 A4: Watch for pages whose traffic holds but whose conversions fall. That usually means the offer moved on and the page didn't.
    4 applause tomleeds 12 ^41 Spot on. Saving this thread
    4 answer samcm 3 A4: Assisted conversions in analytics. Old posts rarely close a sale but they often start the journey.
    4 answer kathrynwrites 2 A4: We look at scroll depth. If people stop reading halfway, the second half needs work.
    4 meta adaworks 4 Sorry, late to the party! Catching up on the thread now
    4 answer priya_pr 2 A4: Backlinks are a good signal. If other sites still link to it, it still has value, even with modest traffic.
    4 applause ginnysocial 6 ^42 Exactly this!!
    4 answer noradigital 1 A4: Ask your newsletter readers which old posts they still forward to friends. The answers surprise you.
    5 answer marisolvega 7 A5: Plan fewer pieces than you think you can make. A calendar that leaves slack survives a sick week.
    5 answer marisolvega 3 A5: Batch the boring parts: write all the meta descriptions on one afternoon, schedule on another.
    5 applause kathrynwrites 9 ^50 Needed to hear this today 😅
    5 answer samcm 3 A5: A weekly fifteen-minute review every Monday. Move what slipped, cut what no longer matters.
    5 answer omarbuilds 2 A5: Every piece gets an owner and a due date before it goes on the calendar, no exceptions.
    5 thanks tomleeds 11 Thank you Marisol, this was brilliant! See you all next week 👋
    5 thanks priya_pr 8 Thanks for hosting, such a fun hour #ContentChat
    5 answer leomedia 1 A5: Keep a backlog of half-written drafts so a quiet week never means an empty slot.
    5 thanks ginnysocial 7 Cheers everyone, great chat as always!
    5 answer noradigital 1 A5: Say no to last-minute requests unless something else comes off the calendar.
    5 meta adaworks 3 Will need to reread this whole thread tomorrow, so much good stuff
    """,
)

MODERATION = _chat(
    "moderation",
    "Moderating Without Burning Out",
    "#CommChat",
    GuestInfo("deshawn_m", "DeShawn Miller", "Community manager for a gaming studio"),
    (
        "What does a healthy moderation team look like?",
        "How do you write ground rules people actually read?",
        "How do you handle a heated thread in public?",
        "What warning signs of burnout do you watch for?",
        "What tools or rituals help you switch off?",
    ),
    """
    0 greeting lucia_cm 10 Buenas tardes! Lucía from Madrid, so happy to be here 😊
    0 greeting benbuilds 12 Ben here 👋 day job: community at a fintech. Evening, everybody!
    0 greeting yuki_mod 8 Hiya! Yuki, volunteer mod on a big Discord. Third time at #CommChat
    0 greeting hanaposts 7 Hello from a rainy Amsterdam 🌧️ Hana, nice to meet you all
    0 meta felixgrows 6 Grabbed my tea, ready for this chat
    1 answer deshawn_m 9 A1: At least three people, in different time zones, with written rules for who decides what. One mod alone is a burnout plan. #CommChat
    1 answer deshawn_m 5 A1: And a private channel where mods can vent and ask for a second opinion before acting.
    1 applause benbuilds 14 ^6 "One mod alone is a burnout plan" 💯💯
    1 applause lucia_cm 9 Ooh great question to start with!
    1 answer yuki_mod 4 A1: Mods who rotate weekends. Nobody should be on call every Saturday for a year.
    1 answer hanaposts 3 A1: A team where a new mod can ask a dumb question and get a kind answer in minutes.
    1 answer raviwrites 2 A1: Clear escalation: a mod can mute, only a lead can ban, and every ban gets a note explaining why.
    1 meta felixgrows 5 Taking notes like crazy already
    1 applause yuki_mod 7 ^7 Yesss the vent channel is everything
    1 answer chloe_social 1 A1 Diversity matters: moderators from the communities you serve spot problems outsiders miss.
    2 answer deshawn_m 8 A2: Short, in plain words, with an example for each rule. Nobody reads twelve paragraphs of legalese.
    2 answer deshawn_m 4 A2: Pin them where people post, and link to them when you act, so the rules show up when they matter.
    2 applause hanaposts 10 ^16 So so true
    2 answer benbuilds 3 A2: We wrote ours with the members. Rules people helped write are rules people defend.
    2 answer lucia_cm 3 A2: Put the three most important rules first. Most people stop reading after three.
    2 promo growthhacker 0 A2: Tired of moderating? Our AI bot bans trolls automatically, link in bio!
    2 answer raviwrites 2 A2: Say what happens when a rule is broken. A rule with no consequence reads like a suggestion.
    2 applause felixgrows 8 ^19 Love that, Ben 👏
    2 meta chloe_social 4 Omg this chat is moving so fast I can't keep up 😂
    2 answer yuki_mod 2 A2: Write them in the voice of the community. Ours has jokes in it and people actually quote them.
    2 other amir_dev 0 ^20 @lucia_cm what are your top three, if you don't mind sharing?
    3 answer deshawn_m 9 A3: Slow it down first. Reply once, calmly, in public, then take the details to DMs.
    3 answer deshawn_m 5 A3: Never argue with the loudest person for the audience. Talk to the quiet readers who are watching how you respond.
    3 applause benbuilds 15 Great question!! 🔥
    3 applause lucia_cm 11 ^28 This!!! 👏👏👏
    3 answer hanaposts 3 A3: Acknowledge the feeling before the facts. People calm down when they feel heard.
    3 answer raviwrites 2 A3: Lock the thread for an hour with a note saying why. A pause does more than any reply.
    3 answer amir_dev 2 A3: Have a second mod read your reply before you post it. Heated threads make us all sloppier.
    3 applause yuki_mod 6 ^28 Wow. Needed that reminder
    3 answer chloe_social 1 A3: Don't delete criticism. Hide personal attacks, answer the point underneath them.
    3 meta felixgrows 4 Screenshotting this whole answer for my team 📸
    4 answer deshawn_m 7 A4: When I start dreading notifications. When every post looks like a problem instead of a person.
    4 answer deshawn_m 4 A4: Short answers to regulars I used to love talking to. That one sneaks up on you.
    4 applause hanaposts 9 ^37 Oof, felt that one
    4 answer yuki_mod 3 A4: Sleep. If I check the server at 2am, I'm already past the line.
    4 answer lucia_cm 2 A4: Losing patience with newcomers who ask the same question. They didn't know it was asked before.
    4 applause benbuilds 8 ^40 Same here, honestly
    4 answer raviwrites 1 A4: Cynicism. When I catch myself assuming bad faith in every report, it's time for a break.
    4 meta chloe_social 3 Such an important question, glad we're talking about it
    4 answer felixgrows 1 A4: Skipping meals to keep up with the queue. Physical signs come before you admit it.
    5 answer deshawn_m 8 A5: Notifications off after seven, and a handover note to the next mod. The community survives without you for a night.
    5 answer deshawn_m 4 A5: A walk without my phone every lunch. Boring, and it works.
    5 applause lucia_cm 7 ^47 Absolutely love this
    5 answer hanaposts 2 A5: A separate phone profile for work apps that switches off on Friday evening.
    5 answer amir_dev 2 A5: Our team does a five-minute check-out call where everyone says one good thing that happened.
    5 thanks benbuilds 12 Thanks DeShawn and everyone, that was a great hour 🙏
    5 thanks yuki_mod 9 Thank you all!! Bye for now 👋
    5 answer raviwrites 1 A5: Gardening. Hands in the dirt, no screens, nothing to moderate.
    5 thanks hanaposts 6 Thanks so much for having me, see you next time!
    5 meta felixgrows 4 Off to reread everything now, what a chat
    """,
)

VOLUNTEERS = _chat(
    "volunteers",
    "Keeping Volunteers Around",
    "#NonprofitChat",
    GuestInfo("ama_owusu", "Ama Owusu", "Volunteer coordinator at a food bank"),
    (
        "Why do volunteers leave after a few months?",
        "How do you welcome a new volunteer on their first day?",
        "How do you say thank you in a way that lands?",
        "How do you give volunteers real responsibility?",
        "What would you tell a new volunteer coordinator?",
    ),
    """
    0 greeting jo_fundraises 9 Morning from Glasgow! Jo here, I run events for a hospice charity
    0 greeting marcus_npo 11 Hey hey 👋 Marcus joining from Toronto, long time listener
    0 greeting ellavolunteers 7 Hi friends! Ella here again, wouldn't miss it
    0 meta pablo_cm 4 Is it 5pm already? Let's gooo #NonprofitChat
    0 greeting irisdoes 6 Greetings from sunny Lisbon ☀️ first #NonprofitChat for me!
    1 answer ama_owusu 8 A1: Mostly because nobody noticed they were there. People stay where they are missed when they don't show up. #NonprofitChat
    1 answer ama_owusu 5 A1: Also vague roles. If a volunteer can't explain what they did today, they won't come back next month.
    1 applause marcus_npo 13 ^6 Wow, "stay where they are missed" 😭❤️
    1 applause jo_fundraises 10 Ooh, good one to start with
    1 answer ellavolunteers 3 A1: Scheduling. We asked for every Saturday and lost everyone with kids.
    1 answer pablo_cm 2 A1: They came for the cause and got stuck stuffing envelopes with no idea where the money went.
    1 answer theo_helps 2 A1 Burnout from being the reliable one. The people who always say yes get asked for everything.
    1 applause irisdoes 7 ^12 Yes yes yes, this is so real
    1 meta kofi_org 3 Just here to listen and learn today 👂
    2 answer ama_owusu 9 A2: A named buddy, a tour, and a small real task done before lunch. Day one should end with something they made happen.
    2 answer ama_owusu 4 A2: And learn their name before they arrive. It sounds small, it is not.
    2 applause ellavolunteers 12 ^15 Love love love this
    2 answer jo_fundraises 3 A2: A welcome pack with a map, the coffee rules and the phone number of a real person.
    2 answer kofi_org 2 A2: Introduce them to the people they're helping, not only to the staff.
    2 promo cheapprint 0 A2: Volunteer t-shirts from $2!! Bulk orders at our shop, link in bio
    2 applause marcus_npo 9 ^18 Adding this to our onboarding, thank you Jo!
    2 answer theo_helps 2 A2: Check in at the end of the first shift and ask what confused them. Fix that before the next person starts.
    2 meta irisdoes 4 Wow this chat is so active today 😮
    2 answer pablo_cm 1 A2 Give them a lanyard with their name on it from day one. Belonging starts with being recognised.
    3 answer ama_owusu 7 A3: Specific beats big. "Your Tuesday sorting fed 40 families" lands better than a gala.
    3 answer ama_owusu 5 A3: Handwritten notes still work. We write five every Friday.
    3 applause jo_fundraises 14 Great question, can't wait for this one!
    3 applause pablo_cm 9 ^25 👏👏👏
    3 answer marcus_npo 3 A3: Tell them what changed because of them, with a photo or a number. Gratitude without impact feels hollow.
    3 answer ellavolunteers 2 A3: Ask what they'd like. Some love a public shout-out, others would rather sink into the floor.
    3 applause kofi_org 6 ^26 Agreed, handwritten notes never fail
    3 answer irisdoes 2 A3: Let the people they helped say thanks directly, even a short video from a family means more than our words.
    3 other theo_helps 0 ^29 @marcus_npo do you share the numbers monthly or after each campaign?
    3 meta jo_fundraises 5 My notes app is filling up fast haha
    4 answer ama_owusu 8 A4: Hand over a whole small project, not tasks. Let them own the Thursday pantry from opening to locking up.
    4 answer ama_owusu 3 A4: Then step back. If you check every decision, you handed over nothing.
    4 applause marcus_npo 10 ^35 Such a good point
    4 answer theo_helps 2 A4: A volunteer leadership circle that meets monthly and actually decides things, with a budget.
    4 answer ellavolunteers 2 A4: Pair experienced volunteers with new ones as mentors. Teaching is responsibility.
    4 applause irisdoes 5 ^38 Totally agree with Theo
    4 answer kofi_org 1 A4: Let them represent you at a local event. Being trusted with the name changes how people see their role.
    5 answer ama_owusu 8 A5: Write down why each volunteer came. Read it again when they seem to drift.
    5 answer ama_owusu 4 A5: And protect your own time. A burnt-out coordinator can't keep anyone around.
    5 applause jo_fundraises 8 ^42 Yes to this ❤️
    5 answer pablo_cm 2 A5: Measure retention, not sign-ups. Sign-ups flatter you, retention tells the truth.
    5 answer irisdoes 1 A5: Ask the volunteers who stayed five years what kept them. Then do more of that.
    5 thanks marcus_npo 12 Thank you Ama!! Wonderful chat, everyone 🙏
    5 thanks ellavolunteers 8 Thx all, off to make dinner. Till next time!
    5 thanks kofi_org 6 Much appreciated, great hour #NonprofitChat
    5 answer theo_helps 1 A5: Find a peer coordinator in another charity and talk every month. This job is lonely otherwise.
    """,
)

DEVREL = _chat(
    "devrel",
    "Developer Communities That Talk Back",
    "#DevRelChat",
    GuestInfo("sofia_dev", "Sofia Lindqvist", "Developer advocate for an open-source database"),
    (
        "What makes developers join a community?",
        "How do you answer questions without becoming free support?",
        "How do you turn users into contributors?",
        "What events work best for developer communities?",
        "How do you know your community is healthy?",
    ),
    """
    0 greeting kenji_codes 8 yo! kenji here, backend dev from Osaka 🍜
    0 greeting martaops 10 Good evening all, Marta from Warsaw, SRE by day
    0 greeting dylan_dx 6 Hey everybody, Dylan again! Missed the last two
    0 greeting aisha_ml 9 Hi! Aisha, ML engineer in Nairobi, first time here 🙌
    1 answer sofia_dev 9 A1: A fast answer to their first question. If the first issue they open sits for a week, they never come back. #DevRelChat
    1 answer sofia_dev 4 A1: And people like them already there. Developers join where they see someone solving their kind of problem.
    1 applause kenji_codes 12 ^5 100% this
    1 answer martaops 3 A1: Good docs with a real example they can paste and run in five minutes.
    1 applause aisha_ml 10 Great question 👀
    1 answer dylan_dx 2 A1: Being able to see the roadmap. People invest time where they can see where things are going.
    1 answer noahbuilds 2 A1 Respect. A maintainer who says thanks for a bug report instead of closing it as a duplicate.
    1 applause martaops 7 ^6 Couldn't agree more, Sofia
    1 meta zoe_writes 4 Following from the back row 👀 #DevRelChat
    2 answer sofia_dev 8 A2: Answer in public, in the forum, never in DMs. Every answer then helps the next hundred people.
    2 answer sofia_dev 4 A2: Link to the docs in every answer, and fix the docs when the answer wasn't in them.
    2 applause dylan_dx 11 ^14 Nailed it 🎯
    2 answer kenji_codes 3 A2: Have a clear line in the README about what the community helps with and what needs a paid plan.
    2 answer aisha_ml 2 A2: Ask people to share what they tried first. It turns support into a conversation and teaches them to debug.
    2 promo cloudcoupon 0 A2: Free hosting credits for devs!! Use code FREE100 at signup
    2 applause noahbuilds 6 ^17 Yep, the README line is key
    2 answer martaops 2 A2: Rotate who answers. When the same two people answer everything, it becomes their unpaid job.
    2 meta zoe_writes 3 Loving the energy in here tonight
    3 answer sofia_dev 9 A3: Label small issues as good first issues and write down exactly which file to touch.
    3 answer sofia_dev 5 A3: Review a first pull request within a day, and thank them by name in the release notes.
    3 applause martaops 12 Ooooh good one!!
    3 applause aisha_ml 8 ^23 Yes!! Love seeing my name in release notes
    3 answer dylan_dx 3 A3: Pair programming sessions on stream. Watching someone make a change makes it feel possible.
    3 answer noahbuilds 2 A3: Make the test suite run locally in one command. Nobody contributes when setup takes an afternoon.
    3 answer zoe_writes 2 A3: Docs contributions count. Writers and translators are contributors too.
    3 applause kenji_codes 5 ^28 So much this
    3 other martaops 0 ^27 @dylan_dx which platform do you stream on?
    3 meta dylan_dx 4 brb grabbing a snack, keep going without me
    4 answer sofia_dev 8 A4: Small hack nights beat big conferences. Twenty people fixing real issues together builds more than a keynote.
    4 answer sofia_dev 3 A4: Office hours every other week, same time, on video, with the maintainers.
    4 applause noahbuilds 9 ^33 Hack nights are the best 🔥🔥
    4 answer aisha_ml 2 A4: Online sprints across time zones, with a mentor in each region.
    4 answer kenji_codes 2 A4: Meetups where users present what they built. Seeing real projects inspires the next ones.
    4 applause zoe_writes 5 ^36 Ahh this is lovely
    4 answer martaops 1 A4: Bug bashes before a release. People love finding things and the release gets better.
    5 answer sofia_dev 8 A5: People answer each other's questions before we do. That's the best sign there is.
    5 answer sofia_dev 4 A5: Newcomers stick around past their first month, and some of them become reviewers.
    5 applause dylan_dx 7 ^40 Beautiful way to put it
    5 answer noahbuilds 2 A5: Disagreements happen in public and stay polite. Silence is a worse sign than arguments.
    5 answer aisha_ml 1 A5: Contributors come from many companies, so the project survives if one sponsor walks away.
    5 thanks kenji_codes 11 arigato Sofia, super useful! ✌️
    5 thanks martaops 8 Thanks all, this was fab. Good night!
    5 meta zoe_writes 4 Bookmarking the whole thread for later
    5 thanks aisha_ml 6 Thank you for the warm welcome everyone, see you next week!
    """,
)

TUNING = (CONTENT, MODERATION)
HELD_OUT = (VOLUNTEERS, DEVREL)
