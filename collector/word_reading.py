"""How a weak hit reads in its post: a first name as the character's or someone else's,
an everyday-word title as the title or the everyday noun, two characters as a pair
(rules in docs/watchlist.md). Works on the folded tokens and, when case matters, on the
tokens as written, which are computed once per post and only when needed."""

from __future__ import annotations

import re
import unicodedata

from collector.folding import BREAKS, COMBINING, TOKEN


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Everyday-word titles: "a real heartstopper." is the noun, "a Heartstopper fan" the title.
_ARTICLES = frozenset({"a", "an", "you", "ya"})
_FUNCTION_WORDS = _words(
    "of for to in on at with and or but from by as if when that this who which he "
    "she it they we i you is was are were be has had have right there here again "
    "indeed too"
)
_SEASON_WORDS = frozenset({"season", "s", "saison", "temporada", "staffel", "säsong", "series"})
# A capitalised word after a first name that does not make it someone else's name.
_SMALL_WORDS = _words(
    "and or the a an is was are x y e et und och ed og n i im omg lol lmao tbh ngl "
    "pls ily idk imo xx xo in on at of to for with from as by has had have be so "
    "too my his her our their you we they he she it this that"
)
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lady", "lord", "saint"})
_ORGANISATION_WORDS = frozenset({"magazine", "mag", "brand", "inc", "ltd", "fc", "records"})
# After "in"/"since"/… and before a sentence end or a number, "August" is the month.
_TIME_WORDS = frozenset({"in", "since", "until", "till", "during", "early", "late", "mid", "next"})
# A first name that is a pronoun in a main fan language, read as the pronoun before a verb.
_PRONOUN_NAMES = {
    "elle": _words(
        "est a etait va fait dit ne n se s l le la les lui m me t te y en sera serait "
        "avait peut veut doit aime adore sait vient part joue sont"
    ),
}
# Words that join two characters into a pair ("Nick & Charlie", "Nick y Charlie", …).
_JOINERS = frozenset({"and", "x", "/", "+", "n", "y", "e", "et", "und", "och", "ed", "og"})
_SPACES = re.compile(r"[ \t]+")


def tokens_as_written(text: str, count: int) -> tuple[str, list[str]] | None:
    """The text with case kept, and its tokens as written, aligned with :func:`tokens`;
    None in the rare text where folding changes the number of tokens."""
    base = text.replace("&", " and ")
    found = TOKEN.findall(base)
    if len(found) != count and not text.isascii():  # decomposed accents split words
        base = COMBINING.sub("", unicodedata.normalize("NFKD", text)).replace("&", " and ")
        found = TOKEN.findall(base)
    return (base, found) if len(found) == count else None


def paired(words: list[str], first: list[tuple[int, int]], second: list[tuple[int, int]]) -> bool:
    """Two characters named as a pair: "Nick Nelson & Charlie Spring", "Charlie y Nick"."""
    for a_start, a_end in first:
        for b_start, b_end in second:
            if a_start < 0 or b_start < 0:
                continue
            if b_start == a_end + 1 and words[a_end] in _JOINERS:
                return True
            if a_start == b_end + 1 and words[b_end] in _JOINERS:
                return True
    return False


class PostWords:
    """The shape of the words around a weak hit: case and neighbours."""

    __slots__ = ("_known", "_read", "_text", "_written", "words")

    def __init__(self, text: str, words: list[str], known: set[str]) -> None:
        self._text = text
        self.words = words
        self._known = known
        self._written: tuple[str, list[str]] | None = None
        self._read = False  # tokens as written are only read when a rule needs case

    def written(self) -> tuple[str, list[str]] | None:
        if not self._read:
            self._written = tokens_as_written(self._text, len(self.words))
            self._read = True
        return self._written

    def _word(self, index: int) -> str:
        return self.words[index] if 0 <= index < len(self.words) else ""

    def capitalised(self, start: int, end: int) -> bool:
        """Every word written with a capital ("Heartstopper", "Young Royals", "RWRB")."""
        written = self.written()
        if start < 0 or written is None:
            return False
        return all(written[1][i][:1].isupper() for i in range(start, end))

    def common_noun(self, start: int, end: int) -> bool:
        """Everyday use of a title: "a real heartstopper:", "a handsome devil he is",
        "a heart stopper of a match" (not "a Heartstopper fan", the title's use)."""
        if start < 0:
            return False
        word = self._word
        follower = word(end)
        of_a = follower == "of" and word(end + 1) in ("a", "an")
        if of_a:
            return True
        article = word(start - 1) in _ARTICLES or (
            word(start - 2) in ("a", "an") and word(start - 1).isalpha()
        )
        return article and (not follower or follower in BREAKS or follower in _FUNCTION_WORDS)

    def season_follows(self, end: int) -> bool:
        """ "heartstopper season 3", "young royals s3": a title's use."""
        follower = self._word(end)
        return follower in _SEASON_WORDS or (follower[:1] == "s" and follower[1:].isdigit())

    def reads_as_name(self, start: int, end: int) -> bool:
        """Whether a first name here is the character's or person's, not someone else's
        ("Charlie Cox", "Mr Darcy"), a brand ("Elle UK", "Elle magazine"), a date
        ("August 12", "in August") or another language's pronoun ("Elle est")."""
        if start < 0:
            return True
        words = self.words
        before = words[start - 1] if start else ""
        after = words[end] if end < len(words) else ""
        if self._other_use(start, end, before, after):
            return False
        return not self._surname_follows(start, end, before, after)

    def _other_use(self, start: int, end: int, before: str, after: str) -> bool:
        """A date, a title such as "Mr", an organisation or a pronoun, from folded words."""
        word = self._word
        if before.isdigit() or after.isdigit() or after in _ORGANISATION_WORDS:
            return True
        if before in _HONORIFICS or (before == "." and word(start - 2) in _HONORIFICS):
            return True
        if before in _TIME_WORDS and (not after or after in BREAKS):
            return True
        pronoun_verbs = _PRONOUN_NAMES.get(word(start)) if end == start + 1 else None
        return pronoun_verbs is not None and after in pronoun_verbs

    def _surname_follows(self, start: int, end: int, before: str, after: str) -> bool:
        """ "Charlie Cox", "Joe Biden", "Elle UK": a capitalised word right after the name,
        with only spaces between ("Nick, Charlie" is a list; a new line, a new thought)."""
        if before in ("a", "an") or after in self._known or after in _SMALL_WORDS:
            return False
        if not after.isalpha() or len(after) < 2:
            return False
        written = self.written()
        if written is None:
            return False
        base, as_written = written
        if all(as_written[i].isupper() for i in range(start, end)):  # "NICK CRIED": shouting
            return False
        if not as_written[end][:1].isupper():
            return False
        positions = list(TOKEN.finditer(base))
        gap = base[positions[end - 1].end() : positions[end].start()]
        return _SPACES.fullmatch(gap) is not None
