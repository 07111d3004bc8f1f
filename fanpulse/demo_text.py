"""The phrases demo posts are made of: fan chatter, complaints, news and questions.

Each phrase has slots for a show (``{S}``), a person or character (``{X}``, ``{Y}``), a
season number (``{n}``) and a hashtag (``{H}``). The demo builder fills them from the
watchlist, runs the real matcher and scorer over every distinct text, and draws posts
from those texts, so demo mentions and sentiment are exactly what ingest would store.
"""

from __future__ import annotations

# (phrase, style): social posts, news headlines.
SOCIAL_POSITIVE = [
    "I'm literally sobbing over {X} in {S} 😭😭",
    "{X} in this episode?? I'm not okay",
    "{X} ate and left no crumbs, {S} is everything",
    "rewatching {S} for the 5th time, comfort show forever ❤️",
    "{X} deserves every award for {S}",
    "the way {X} looked at {Y}… I'm deceased 💀",
    "{S} is pure queer joy 🏳️‍🌈 #{H}",
    "can't stop thinking about {X} and {Y}. obsessed",
    "{X} and {Y} are so precious 🥹 #{H}",
    "screaming crying throwing up, {S} season {n} ruined me in the best way",
    "the representation in {S} means everything to me",
    "{S} handles mental health with so much care, {X} was incredible",
    "not me crying at 3am because of {X} again #{H}",
    "{Y}'s face when {X} smiled, chef's kiss",
    "ok {S} season {n} soundtrack on repeat, obsessed",
]
SOCIAL_NEGATIVE = [
    "Netflix cancelling {S} would be a terrible decision",
    "honestly {S} season {n} is mid",
    "the pacing in {S} season {n} dragged so much, I got bored",
    "{S} fell off, the writing is so lazy now",
    "why did they cut {X}'s storyline?? so disappointed",
    "the harassment {X} gets from so-called fans is disgusting",
    "I'm crying because they cancelled {S}, this is so unfair",
    "{S} season {n} ending felt rushed and cheap",
    "can't believe how badly they wrote {X} this season",
    "overrated. dropped {S} after episode 2",
    # Themes are argued about too, not only celebrated.
    "{S} handled the eating disorder storyline so badly, I'm disappointed",
    "the representation in {S} season {n} felt like tokenism, so disappointing",
    "{S}'s coming out scene felt rushed and awkward, hated it",
    "the {S} soundtrack is so boring this season, skip",
]
SOCIAL_NEUTRAL = [
    "Does anyone know when {S} season {n} drops in the UK?",
    "What order should I watch {S} in?",
    "{X} was interviewed about filming {S}",
    "Is {S} based on a book? #{H}",
    "{S} season {n} is eight episodes long",
    "what's the song at the end of {S} season {n} episode 3?",
    "Does {S} season {n} have a trigger warning for the anxiety scenes?",
]
NEWS = [
    "{S} season {n}: release date, cast and everything we know",
    "{X} on the final season of {S}",
    "{S} ranks in the Netflix top 10 for a second week",
    "{X} joins the cast of a new film after {S}",
    "{S} season {n} review: a tender, funny return",
    "{X} talks fame, fandom and {S} in a new interview",
    "{S} creator shares behind-the-scenes photos",
]
# A premiere brings its own chatter, on top of the usual.
PREMIERE = [
    "{S} season {n} is finally here!!! #{H}",
    "just binged all of {S} season {n}, I'm sobbing 😭",
    "{S} season {n} episode 4... I'm not okay 💀",
    "{S} season {n} premiere night, who else is watching? #{H}",
    "{S} season {n} is out now on Netflix",
]
# The demo's recent buzz: a trailer drop, so a fresh database shows a spike to explain.
TRAILER = [
    "the {S} Forever trailer just dropped and I'm screaming 😭 #{H}",
    "{S} Forever trailer breakdown: every detail you missed",
    "watched the {S} Forever trailer 20 times already, {X} ❤️",
    "{S} Forever trailer has me in pieces, {X} and {Y} 🥹",
    "new {S} Forever trailer: first look at {X}",
]
# A little chatter in other languages (Young Royals is Swedish).
OTHER_LANGUAGES = [
    ("sv", "Jag älskar {S} så mycket, {X} är fantastisk ❤️"),
    ("es", "{S} es mi serie favorita, {X} es increíble 😭"),
    ("pt", "{S} é perfeita demais, chorei muito com {X}"),
    ("fr", "{S} saison {n}, je pleure encore pour {X}"),
    ("de", "{S} ist einfach wunderschön, {X} ❤️"),
]

PUBLISHERS = ["What's on Netflix", "PinkNews", "Deadline", "Variety", "Netflix Tudum"]
