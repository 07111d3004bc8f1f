"""VADER's constants, lexicons and rule helpers, taken from vaderSentiment 3.3.2.

Source: vaderSentiment 3.3.2 (vaderSentiment/vaderSentiment.py and its two lexicon files),
Copyright (c) 2016 C.J. Hutto, released under the MIT licence; the licence text is in
``LICENSE`` beside this file. The values and functions below are those of that release with
type hints added; the arithmetic, and the quirks that shape the score, are kept as they are.

Kept here, rather than imported from the installed package, so the scorer does not depend on
that package's private and module-level internals; vaderSentiment itself stays the oracle the
tests compare the scorer with.
"""

from __future__ import annotations

import math
from importlib.resources import files

# Empirically derived mean sentiment intensity rating increase for booster words.
B_INCR = 0.293
B_DECR = -0.293

# Empirically derived mean sentiment intensity rating increase for ALL CAPS emphasis.
C_INCR = 0.733
N_SCALAR = -0.74

NEGATE = [
    "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt",
    "ain't", "aren't", "can't", "couldn't", "daren't", "didn't", "doesn't",
    "dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neither",
    "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't",
    "neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing", "nowhere",
    "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent",
    "oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't",
    "without", "wont", "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite",
]  # fmt: skip

# Booster/dampener intensifiers, or degree adverbs.
BOOSTER_DICT = {
    "absolutely": B_INCR, "amazingly": B_INCR, "awfully": B_INCR,
    "completely": B_INCR, "considerable": B_INCR, "considerably": B_INCR,
    "decidedly": B_INCR, "deeply": B_INCR, "effing": B_INCR, "enormous": B_INCR,
    "enormously": B_INCR, "entirely": B_INCR, "especially": B_INCR, "exceptional": B_INCR,
    "exceptionally": B_INCR, "extreme": B_INCR, "extremely": B_INCR,
    "fabulously": B_INCR, "flipping": B_INCR, "flippin": B_INCR, "frackin": B_INCR,
    "fracking": B_INCR, "fricking": B_INCR, "frickin": B_INCR, "frigging": B_INCR,
    "friggin": B_INCR, "fully": B_INCR, "fuckin": B_INCR, "fucking": B_INCR,
    "fuggin": B_INCR, "fugging": B_INCR,
    "greatly": B_INCR, "hella": B_INCR, "highly": B_INCR, "hugely": B_INCR,
    "incredible": B_INCR, "incredibly": B_INCR, "intensely": B_INCR,
    "major": B_INCR, "majorly": B_INCR, "more": B_INCR, "most": B_INCR, "particularly": B_INCR,
    "purely": B_INCR, "quite": B_INCR, "really": B_INCR, "remarkably": B_INCR,
    "so": B_INCR, "substantially": B_INCR,
    "thoroughly": B_INCR, "total": B_INCR, "totally": B_INCR, "tremendous": B_INCR,
    "tremendously": B_INCR, "uber": B_INCR, "unbelievably": B_INCR, "unusually": B_INCR,
    "utter": B_INCR, "utterly": B_INCR,
    "very": B_INCR,
    "almost": B_DECR, "barely": B_DECR, "hardly": B_DECR, "just enough": B_DECR,
    "kind of": B_DECR, "kinda": B_DECR, "kindof": B_DECR, "kind-of": B_DECR,
    "less": B_DECR, "little": B_DECR, "marginal": B_DECR, "marginally": B_DECR,
    "occasional": B_DECR, "occasionally": B_DECR, "partly": B_DECR,
    "scarce": B_DECR, "scarcely": B_DECR, "slight": B_DECR, "slightly": B_DECR,
    "somewhat": B_DECR, "sort of": B_DECR, "sorta": B_DECR, "sortof": B_DECR,
    "sort-of": B_DECR,
}  # fmt: skip

# Special-case idioms and phrases that contain lexicon words.
SPECIAL_CASES = {
    "the shit": 3, "the bomb": 3, "bad ass": 1.5, "badass": 1.5, "bus stop": 0.0,
    "yeah right": -2, "kiss of death": -1.5, "to die for": 3, "beating heart": 3.5,
}  # fmt: skip

LEXICON_FILE = "vader_lexicon.txt"
EMOJI_FILE = "emoji_utf8_lexicon.txt"


def normalize(score: float, alpha: float = 15) -> float:
    """Normalise the score to -1..1 with an alpha that approximates the largest expected value."""
    norm_score = score / math.sqrt((score * score) + alpha)
    if norm_score < -1.0:
        return -1.0
    elif norm_score > 1.0:
        return 1.0
    else:
        return norm_score


def scalar_inc_dec(word: str, valence: float, is_cap_diff: bool) -> float:
    """How much a preceding booster or dampener word raises or lowers the valence."""
    scalar = 0.0
    word_lower = word.lower()
    if word_lower in BOOSTER_DICT:
        scalar = BOOSTER_DICT[word_lower]
        if valence < 0:
            scalar *= -1
        # A booster in ALL CAPS, while other words are not, counts more.
        if word.isupper() and is_cap_diff:
            if valence > 0:
                scalar += C_INCR
            else:
                scalar -= C_INCR
    return scalar


def but_check(words_and_emoticons: list[str], sentiments: list[float]) -> list[float]:
    """The contrastive conjunction "but": halve what comes before it, raise what follows.

    Kept exactly as released, quirk included: ``sentiments.index(sentiment)`` finds the first
    equal value, so repeated values are weighted by the position of their first occurrence.
    """
    words_and_emoticons_lower = [str(w).lower() for w in words_and_emoticons]
    if "but" in words_and_emoticons_lower:
        bi = words_and_emoticons_lower.index("but")
        for sentiment in sentiments:
            si = sentiments.index(sentiment)
            if si < bi:
                sentiments.pop(si)
                sentiments.insert(si, sentiment * 0.5)
            elif si > bi:
                sentiments.pop(si)
                sentiments.insert(si, sentiment * 1.5)
    return sentiments


def _read(name: str) -> str:
    # Bytes decoded as they are: no newline translation, exactly as the released loader reads.
    return files(__package__).joinpath(name).read_bytes().decode("utf-8")


def load_lexicon() -> dict[str, float]:
    """VADER's word lexicon: word -> mean valence."""
    lex_dict: dict[str, float] = {}
    for line in _read(LEXICON_FILE).rstrip("\n").split("\n"):
        if not line:
            continue
        (word, measure) = line.strip().split("\t")[0:2]
        lex_dict[word] = float(measure)
    return lex_dict


def load_emojis() -> dict[str, str]:
    """VADER's emoji lexicon: emoji -> its description in words."""
    emoji_dict: dict[str, str] = {}
    for line in _read(EMOJI_FILE).rstrip("\n").split("\n"):
        (emoji, description) = line.strip().split("\t")[0:2]
        emoji_dict[emoji] = description
    return emoji_dict
