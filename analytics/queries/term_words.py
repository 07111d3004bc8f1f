"""Words never reported as rising terms: stop words of the main fan languages, fan filler,
and the names, aliases and hashtags of the watchlist (tracked already).

English is a short list kept here: the stopwords-iso English list is built for search
engines and drops words a marketer needs ("first look", "show", "ending", "release date",
"forever"). The other languages come from the ``stopwordsiso`` package (MIT).
"""

from __future__ import annotations

from functools import cache

import stopwordsiso

from analytics.core.watchlist import WatchItem, Watchlist

# The languages most fan posts are written in; their stop words are always known.
FAN_LANGS: tuple[str, ...] = ("en", "es", "pt", "fr", "de", "sv", "it")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ENGLISH = _words(
    """
    a about above after again against all almost also am an and another any anyone
    anything are around as at be because been before being below between both but by can
    can't cannot could couldn't did didn't do does doesn't doing don't done down during
    each either else even ever every everyone everything few for from further get gets
    getting go goes going gone got had hadn't has hasn't have haven't having he he'd
    he'll he's her here here's hers herself him himself his how how's however i i'd i'll
    i'm i've if in into is isn't it it'd it'll it's its itself just let let's like made
    make makes many may me might more most much must my myself need needs never new no
    nor not nothing now of off oh ok okay on once one only or other others our ours
    ourselves out over own per please really said same say says see seen shall she she'd
    she'll she's should shouldn't since so some something still such than that that's
    the their theirs them themselves then there there's these they they'd they'll
    they're they've thing things think this those though through thus to too under until
    up upon us very via was wasn't way we we'd we'll we're we've well were weren't what
    what's when when's where where's whether which while who who's whom whose why why's
    will with within without won't would wouldn't yeah yes yet you you'd you'll you're
    you've your yours yourself yourselves im ive id youre youve dont doesnt didnt
    cant couldnt wont wouldnt isnt wasnt arent thats theres whats lets
    """
)

# Fan slang and emphasis that rise with any excitement and name no topic ("ate and left no
# crumbs", "literally screaming", "watched it 20 times").
FAN_FILLER = _words(
    """
    literally actually honestly seriously totally absolutely basically lowkey highkey
    ate left crumbs slay slayed slaying serve served iconic deceased dead screaming
    crying sobbing shaking obsessed omg lol lmao lmfao rofl fr ngl tbh idk imo imho istg
    smh rn af asf bestie besties vibe vibes mood gonna wanna gotta pls plz tho bc cuz ur
    u sm pov y'all yall times ppl guys
    """
)


@cache
def stop_words(langs: tuple[str, ...] = ("en",)) -> frozenset[str]:
    """Stop words of these ISO 639-1 codes, lower-case with straight apostrophes."""
    words: set[str] = set(ENGLISH) if "en" in langs else set()
    others = set(langs) - {"en"}
    if others:
        words |= {word.lower().replace("\u2019", "'") for word in stopwordsiso.stopwords(others)}
    return frozenset(words)


def watched_terms(watchlist: Watchlist) -> tuple[str, ...]:
    """Names, aliases, context aliases and ``#hashtags`` of every show, person, character
    and ship, lower-case. Themes are left in: their keywords are topics worth seeing rise."""
    found: set[str] = set()
    for show in watchlist.shows:
        items: list[WatchItem] = [show, *(item for _, item in show.members())]
        for item in items:
            found.update(phrase.lower() for phrase in (item.name, *item.aliases))
            found.update(phrase.lower() for phrase in item.context_aliases)
            found.update(f"#{tag.lower()}" for tag in item.hashtags)
    return tuple(sorted(found))
