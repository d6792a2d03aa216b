"""The limits both ends of the wire must agree on, written once.

The server refuses a frame or a session definition past these; the console
asks within them, so a host is stopped at the prompt rather than by a refusal
after the fact. Part of the protocol vocabulary: constants only, importable by
the console.
"""

from __future__ import annotations

# A moderator's actions.

MAX_EXTEND_SECONDS = 3 * 3600
"""The most time one `extend` adds to the current step."""
MAX_MUTE_SECONDS = 7 * 86400
"""The longest a `mute` lasts: longer than a week is a ban."""
MAX_SLOW_SECONDS = 3600
"""The longest pause slow mode may put between one participant's posts (0 turns it off)."""
MAX_ANNOUNCEMENT_CHARS = 500
"""The longest announcement a moderator may send to everyone."""
MAX_REASON_CHARS = 280
"""The longest reason given with a report or a moderator's action."""
MAX_PATTERN_CHARS = 100
"""The longest word, phrase or pattern of the word filter."""
MAX_FILTERS = 200
"""The most entries a session's word filter holds."""

# Participants and their posts.

MAX_HANDLE_CHARS = 24
"""The longest handle, counted after NFKC normalisation."""
MAX_CID_CHARS = 64
"""The longest client id (`cid`) a post may carry."""
DEFAULT_POST_CHARS = 280
"""The longest post body unless the server is configured otherwise (like a tweet); the welcome says the real one."""

# Session definitions (a session file, the API, the console's form).

MAX_SLUG_CHARS = 64
"""The longest slug, the session's name in its page's address."""
MAX_HASHTAG_CHARS = 64
"""The longest hashtag, its # included."""
MAX_TITLE_CHARS = 200
"""The longest session title."""
MAX_GUEST_NAME_CHARS = 100
"""The longest guest's name."""
MAX_QUESTIONS = 50
"""The most questions a session may have."""
MAX_QUESTION_CHARS = 500
"""The longest question, and the longest ground rule."""
MAX_TEXT_CHARS = 2000
"""The longest free text of a definition: the format line, the guest's bio, a note on a question."""
MAX_RULES = 20
"""The most ground rules a session may list: every participant's welcome carries them."""
MAX_PACING_SECONDS = 86400
"""The longest pacing step (lobby, question, wrap-up, slow-down window): a day."""
SATISFACTION_SCORES = (1, 2, 3, 4, 5)
"""The answers to “How was today's chat?”: 1 (poor) to 5 (great)."""
MAX_SATISFACTION_COMMENT_CHARS = 500
"""A comment is feedback for the organisers, longer than a post but still a few sentences."""
