"""Ingest sentiment: plain VADER, the fandom layer on top of it, and rescoring stored posts.

The example posts here are written for these tests, not taken from the dev, tuning or final
test sets.
"""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import vaderSentiment.vaderSentiment as released
from vaderSentiment.vaderSentiment import BOOSTER_DICT, NEGATE, SentimentIntensityAnalyzer

from analytics.core.config import load_config
from analytics.core.models import Post
from analytics.sentiment import (
    MAX_SCORED_CHARS,
    SCORER_VERSION,
    _layer,
    fandom_lexicon,
    label_for,
    rewrite,
    score_many,
    score_text,
    scored_text,
    scorer,
    vader_compound,
)
from analytics.sentiment.vader import kernel
from bench.sentiment_eval import load_labelled, load_tweets, macro_f1, pearson
from collector.matching import Matcher
from collector.pipeline import process_posts
from tests.conftest import REPO, SHARED

VADER = SentimentIntensityAnalyzer()
DEV = SHARED / "data" / "fandom_sentiment_dev.tsv"
TWEETS = SHARED / "data" / "vader_tweets_ground_truth.tsv"
# Held out until fandom-1; tuning data ("tuning (heldout-1)") since fandom-2.
TUNING = REPO / "tests" / "fixtures" / "sentiment" / "fandom_heldout.tsv"
# Never tuned on: only its floor test reads it.
FINAL_TEST = REPO / "tests" / "fixtures" / "sentiment" / "fandom_test.tsv"


def plain(text: str) -> float:
    return VADER.polarity_scores(text)["compound"]


# --- plain VADER ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Heartstopper season 3 is perfect, I love Nick and Charlie so much",
        "Netflix cancelling it is a terrible decision",
        "Heartstopper airs on Thursday.",
        "I'm literally sobbing 😭😭 #QueerJoy",
        "NOT gonna lie, the ending was GOOD but the pacing?? not great!!!",
    ],
)
def test_vader_compound_is_plain_vader(text: str) -> None:
    result = score_text(text)
    assert result.vader_compound == plain(text)
    assert vader_compound(text) == plain(text)
    assert result.version == SCORER_VERSION


VADER_RULE_WORDS = [
    *("but", "BUT", "no", "No", "least", "at", "very", "kind", "of", "never", "so", "this"),
    *("without", "doubt", "or", "nor", "the", "shit", "bomb", "yeah", "right", "kiss"),
    *("death", "to", "die", "for", "cut", "mustard", "sort", "GOOD", "LOVE"),
]


def _synthetic_posts(count: int) -> list[str]:
    """Random posts built from what drives VADER's rules: lexicon words, boosters, negations,
    'but', 'no', 'least', idioms, capitals, punctuation and emoji."""
    rnd = random.Random(20261125)
    lexicon = sorted(VADER.lexicon)
    pool = (
        lexicon[::40]
        + sorted(BOOSTER_DICT)
        + NEGATE
        + VADER_RULE_WORDS
        + ["!", "!!", "?", "??", ":)", ":(", "😭", "💀", "❤️", "😂👍", "a😭b", "#QueerJoy"]
    )
    posts = []
    for _ in range(count):
        words = [rnd.choice(pool) for _ in range(rnd.randint(0, 20))]
        if rnd.random() < 0.3:
            words = [w.upper() for w in words]
        if rnd.random() < 0.3:
            words = [w + rnd.choice(["", ",", ".", "!", "?", "'s"]) for w in words]
        posts.append(" ".join(words))
    return posts


def test_plain_score_is_exactly_vaders_on_varied_text() -> None:
    # score_text computes the plain score with its own faster VADER; it must not drift.
    texts = _synthetic_posts(3000)
    mismatched = [t for t in texts if vader_compound(t) != plain(t)]
    assert mismatched == []


def test_plain_score_is_exactly_vaders_on_the_tweet_set() -> None:
    if not TWEETS.exists():
        pytest.skip(f"{TWEETS} not present")
    mismatched = [t for _, t in load_tweets(TWEETS) if vader_compound(t) != plain(t)]
    assert mismatched == []


def test_kept_kernel_is_the_released_vader() -> None:
    # The scorer reads its own copy of VADER 3.3.2; the installed release is the reference.
    assert kernel.load_lexicon() == VADER.lexicon
    assert kernel.load_emojis() == VADER.emojis
    for name in ("B_INCR", "B_DECR", "C_INCR", "N_SCALAR", "NEGATE", "SPECIAL_CASES"):
        assert getattr(kernel, name) == getattr(released, name), name
    assert list(kernel.BOOSTER_DICT.items()) == list(released.BOOSTER_DICT.items())
    rnd = random.Random(3)
    for _ in range(2000):
        words = [rnd.choice(["but", "BUT", "good", "bad", "so", "Very", "ok"]) for _ in range(8)]
        # Repeated values exercise the release's index() lookup.
        values = [rnd.choice([0, 0.5, -1.2, 2.0, 1.5]) for _ in words]
        ours = kernel.but_check(list(words), list(values))
        assert ours == SentimentIntensityAnalyzer._but_check(list(words), list(values))
        word, valence = rnd.choice(words), rnd.uniform(-4, 4)
        cap_diff = rnd.random() < 0.5
        assert kernel.scalar_inc_dec(word, valence, cap_diff) == released.scalar_inc_dec(
            word, valence, cap_diff
        )
        assert kernel.normalize(valence * 5) == released.normalize(valence * 5)


def test_scorer_but_rule_gives_the_released_sum() -> None:
    # The scorer's "but" rule skips zeros; every non-zero value and the sum stay VADER's.
    rnd = random.Random(5)
    for _ in range(3000):
        words = [rnd.choice(["but", "good", "bad", "ok", "so"]) for _ in range(rnd.randint(1, 12))]
        if "but" not in words:
            continue
        values = [rnd.choice([0, 0.0, -0.0, 0.5, -1.2, 2.0, 1.5, 0.75]) for _ in words]
        released_values = SentimentIntensityAnalyzer._but_check(list(words), list(values))
        ours = list(values)
        scorer._but_check(words, ours)
        assert float(sum(ours)) == float(sum(released_values))
        assert [v for v in ours if v] == [v for v in released_values if v]


def test_scorer_idiom_words_cover_every_idiom() -> None:
    # A window without these words skips the idiom rules: every idiom must hold one.
    phrases = [p for p in (*kernel.SPECIAL_CASES, *kernel.BOOSTER_DICT) if " " in p]
    assert phrases
    for phrase in phrases:
        assert not scorer._IDIOM_WORDS.isdisjoint(phrase.split()), phrase


def test_scoring_does_not_load_vader_sentiment() -> None:
    probe = (
        "import sys\n"
        "from analytics.sentiment import score_many, score_text\n"
        "score_text('I love it but it hurts 😭')\n"
        "score_many(['so good', 'not great'], workers=1)\n"
        "print(sorted(m for m in sys.modules if m.startswith('vaderSentiment')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_labels_use_vader_thresholds() -> None:
    assert label_for(0.05) == "positive"
    assert label_for(0.049) == "neutral"
    assert label_for(-0.049) == "neutral"
    assert label_for(-0.05) == "negative"
    assert score_text("I love this show").label == "positive"
    assert score_text("This is awful and boring").label == "negative"


def test_long_text_is_scored_on_its_opening() -> None:
    opening = "I hate this. " * 120
    long_text = opening + "I love it! " * 400
    assert len(opening) > MAX_SCORED_CHARS
    assert plain(long_text) > 0  # the whole post reads positive...
    result = score_text(long_text)
    assert result.vader_compound == plain(long_text[:MAX_SCORED_CHARS])
    assert result.label == "negative"  # ...its scored opening does not


def test_every_score_carries_the_scorer_version() -> None:
    # Stored with each post, so `rescore` can find posts an older lexicon scored.
    assert fandom_lexicon.VERSION in SCORER_VERSION
    assert score_text("anything").version == SCORER_VERSION


def test_text_without_fan_cues_keeps_vaders_score() -> None:
    for text in ("Heartstopper airs on Thursday.", "The weather is lovely today", "I hate Mondays"):
        result = score_text(text)
        assert result.sentiment == result.vader_compound


# --- the fandom layer -----------------------------------------------------------------------

DELIGHT_PHRASED_AS_PAIN = [
    "I'm crying so hard at the proposal scene",
    "the finale absolutely wrecked me",
    "that kiss killed me, I'm deceased",
    "I am UNWELL after that episode",
    "omg I'm screaming",
    "this show has me in tears every single week",
    "the way he looked at him... I'm not okay",
    "screaming crying throwing up, they kissed",
    "why am I sobbing at a cartoon",
    "I'm gonna cry, look at them",
    "so cute it hurts",
    "the wait for the next season is killing me",
    "I'm feral for this ship",
    "I died when he said that",
    "this show ruined my life",
    "the final scene... I have no words",
]

FAN_PRAISE = [
    "They ate that",
    "the lead actor ate and left no crumbs",
    "she slayed",
    "the soundtrack hits different",
    "Kit killed it in that scene",
    "the cinematography in this season is unreal",
    "that soundtrack: no skips",
    "10/10 no notes",
    "she really understood the assignment",
    "I need a season 4 asap",
    "can't believe how good the chemistry is",
    "this series means so much to me",
]


@pytest.mark.parametrize("text", DELIGHT_PHRASED_AS_PAIN + FAN_PRAISE)
def test_fan_idioms_read_as_delight(text: str) -> None:
    assert label_for(plain(text)) != "positive"  # what plain VADER gets wrong
    result = score_text(text)
    assert result.label == "positive", rewrite(text)


@pytest.mark.parametrize(
    "text",
    [
        # plain VADER lands on positive by accident ("not" flips "crying", "free" is praise)
        "not me crying on the train over two fictional boys",
        "this show lives in my head rent free",
        "my comfort show",
        "i can't stop rewatching the finale",
    ],
)
def test_fan_idioms_stay_positive_after_rewriting(text: str) -> None:
    assert rewrite(text) != text
    assert score_text(text).label == "positive"


@pytest.mark.parametrize(
    "text",
    [
        "Netflix cancelling it is a terrible decision",
        "Netflix cancelled it and I'm crying",
        "I'm crying because they cancelled it",
        "I'm sobbing because they cut my favourite scene",
        "this season is mid",
        "honestly the pacing was boring",
        "the finale was so boring I fell asleep",
        "Worst finale ever 💀",
        "I'm so disappointed in how they ended it 😭",
        "they ruined the book, I'm screaming",
        "I cried because they killed off my favourite character",
        "Netflix killed it by cancelling after one season",
        "the writers fumbled his storyline",
        "this show fell off hard",
        "Isaac deserved better",
        "what a waste of a great cast",
        "the merch quality is a joke",
        "the fandom is so toxic lately 🙄",
        "I'm dead tired of the discourse",
        "they did Isaac so dirty",
        "my cat died and I'm crying 😭",
        "they ruined my ship, I'm crying",
        "I'm screaming at how bad the CGI is",
    ],
)
def test_complaints_stay_negative(text: str) -> None:
    assert score_text(text).label == "negative", rewrite(text)


@pytest.mark.parametrize(
    "text",
    [
        "Heartstopper season 4 has not been confirmed yet",
        "Kit Connor will play Nick in the film",
        "Who plays Darcy in the series?",
        "Fan convention tickets go on sale Friday",
        "The mid-season finale airs next week",
        "Filming wrapped in London last week",
        "Episode 6 is 28 minutes long #Heartstopper",
        "The cast interview is on YouTube",
    ],
)
def test_news_stays_neutral(text: str) -> None:
    assert score_text(text).label == "neutral", rewrite(text)


def test_play_keeps_its_meaning_outside_casting_news() -> None:
    assert score_text("we went to play football").sentiment == plain("we went to play football")


# --- fandom-2: more idioms, sarcasm, news, titles ----------------------------------------

FANDOM_2_DELIGHT = [
    # pain and madness, without a subject or in new variants
    "crying in the library over the finale rn",
    "SCREAMING at the proposal scene",
    "I'm not recovering from that finale",
    "I need a minute after that ending",
    "I'm down bad for the lead",
    "rip me, that slow dance",
    "this episode had me in a chokehold",
    "asdfghjkl they held hands",
    # slang and praise
    "she was serving looks and vocals all episode",
    "Omar served.",
    "the lead actor is mother",
    "the soundtrack is fire",
    "criminally underrated show",
    "this gifset is everything",
    "this trailer gave me chills",
    "the pilot lives in my head now",
    "this show should be taught in film school",
    "Kizzy nailed the accent",
    # hype
    "can't wait for season 2",
    "counting down the days to the premiere",
    "season 4 when",
]

FANDOM_2_COMPLAINTS = [
    "the new season is giving nothing",
    "watched one episode and dropped it",
    "it's just not for me",
    "I'm so over the love triangle",
    "the book was so much better",
    "the jokes fell short",
    "it lacks the charm of season one",
    "the CGI looks like a PS2 cutscene",
    "the sequel is a cash grab",
    "the show used to be fun but now it's just there",
    "the dialogue is so clunky",
    "that plot twist made zero sense",
    "the pacing was all over the place",
    "who approved this wig",
    "it's a pale imitation of the original",
    # sarcasm
    "oh great, they moved the finale to a weeknight",
    "love how the trailer spoils every twist 🙄",
    "cool cool cool, another cliffhanger",
]

FANDOM_2_NEUTRAL = [
    "Is the extended cut worth it?",
    "The show is number 2 on the top 10 this week",
    "Episodes drop at 8am on Friday",
    "I watched Handsome Devil last night",
    "The Handsome Devil cast reunited for a panel",
    "The trailer looks like it was shot in Dublin",
    "Kit Connor played a young soldier in Dunkirk",
]

FANDOM_2_POSTS = FANDOM_2_DELIGHT + FANDOM_2_COMPLAINTS + FANDOM_2_NEUTRAL


@pytest.mark.parametrize(
    ("text", "expected"),
    [(t, "positive") for t in FANDOM_2_DELIGHT]
    + [(t, "negative") for t in FANDOM_2_COMPLAINTS]
    + [(t, "neutral") for t in FANDOM_2_NEUTRAL],
)
def test_fandom_2_reads_what_plain_vader_misses(text: str, expected: str) -> None:
    assert label_for(plain(text)) != expected
    assert score_text(text).label == expected, rewrite(text)


@pytest.mark.parametrize(
    "text",
    [
        "the finale was memorable, and not in a good way",
        "I'm not okay with how they wrote the ending",
        "Netflix refused to renew it",
        "the writers have no idea what to do with him",
        "they finally cancelled it after one season",
        "crying because they cut the wedding",
        "can't wait for them to ruin the sequel too",
    ],
)
def test_complaints_with_fan_words_stay_negative(text: str) -> None:
    assert score_text(text).label == "negative", rewrite(text)


def test_like_is_neutral_when_it_compares() -> None:
    assert fandom_lexicon.NEUTRAL in rewrite("it looks like a school play")
    assert fandom_lexicon.NEUTRAL not in rewrite("I really like the new opening")
    assert fandom_lexicon.NEUTRAL not in rewrite("I don't like the new opening")
    assert score_text("I don't like the new opening").label == "negative"


def test_titles_are_names_not_opinions() -> None:
    assert fandom_lexicon.NEUTRAL in rewrite("we rewatched Handsome Devil")
    # a sentence's first word is kept unless the run holds another opinion word
    assert rewrite("Love Kit Connor so much") == "Love Kit Connor so much"
    # title case says nothing about names
    assert rewrite("Great Show, Loved Every Minute") == "Great Show, Loved Every Minute"


def test_news_mutes_mild_words_but_keeps_strong_opinions() -> None:
    assert score_text("The trailer is number 1 on YouTube today").label == "neutral"
    assert score_text("The trailer is out today and it looks amazing").label == "positive"
    assert score_text("The trailer is out today and it looks awful").label == "negative"


def test_score_many_matches_score_text_in_order() -> None:
    texts = FANDOM_2_POSTS + DELIGHT_PHRASED_AS_PAIN + FAN_PRAISE + _synthetic_posts(60)
    expected = [score_text(text) for text in texts]
    assert score_many(texts, workers=2, chunk=7) == expected  # worker processes
    assert score_many(texts, workers=1) == expected  # in this process
    assert score_many(texts[:5], workers=4) == expected[:5]  # one chunk: in this process
    assert score_many([], workers=2) == []


@pytest.mark.parametrize(("workers", "chunk"), [(0, 10), (2, 0)])
def test_score_many_rejects_empty_pools_and_chunks(workers: int, chunk: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        score_many(["a post"], workers=workers, chunk=chunk)


def test_crying_emoji_is_delight_unless_near_a_complaint() -> None:
    assert label_for(plain("😭😭😭")) == "negative"
    assert score_text("😭😭😭").label == "positive"
    assert score_text("they cancelled it 😭").label == "negative"
    assert score_text("Tao's face 💀💀").label == "positive"


@pytest.mark.parametrize("text", ["🥹", "❤️", "🫶", "🔥🔥"])
def test_fan_emoji_that_vader_lacks_or_misreads_are_positive(text: str) -> None:
    assert label_for(plain(text)) != "positive"
    assert score_text(text).label == "positive"


def test_complaint_cue_far_away_does_not_guard() -> None:
    # The guard is local: a complaint in another part of a long post leaves delight alone.
    filler = " and then they talked about the weather" * 6
    text = "I'm sobbing at the finale" + filler + ". Still mad they cancelled the spin-off"
    assert "fandomdelight" in rewrite(text)
    assert "fandomdelight" not in rewrite("I'm sobbing, they cancelled the spin-off")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#QueerJoy", "queer joy"),
        ("#HeartstopperSeason3", "heartstopper season 3"),
        ("#nick_and_charlie", "nick and charlie"),
        ("#BLM", "#BLM"),  # one word: VADER strips the '#' itself
        ("#heartstopper", "#heartstopper"),
    ],
)
def test_hashtags_are_split_into_words(text: str, expected: str) -> None:
    assert rewrite(text) == expected


def test_split_hashtag_carries_its_sentiment() -> None:
    assert plain("#QueerJoy") == 0.0
    assert score_text("#QueerJoy").label == "positive"


def test_elongations_and_fan_intensifiers() -> None:
    assert rewrite("sooo goood") == "so good"
    assert rewrite("I'm screaaaming") == "I'm fandomdelight"
    assert score_text("it's cute af").sentiment > score_text("it's cute").sentiment
    assert score_text("literally perfect").sentiment > score_text("perfect").sentiment


def test_shouted_idiom_keeps_caps_emphasis() -> None:
    assert score_text("I'm UNWELL").sentiment > score_text("I'm unwell").sentiment > 0


def test_keyword_gates_skip_no_rule_that_would_match() -> None:
    texts = DELIGHT_PHRASED_AS_PAIN + FAN_PRAISE + FANDOM_2_POSTS + _synthetic_posts(300)
    for path in (DEV, TUNING, TWEETS):
        if path.exists():
            texts += [t for _, t in (load_tweets(path) if path == TWEETS else load_labelled(path))]
    layer = _layer()

    def reading(text: str, gated: bool) -> tuple[str, bool, bool, bool]:
        draft = layer.rewrite(text, gated=gated)
        return draft.text, draft.changed, draft.sarcastic, draft.news

    differing = [t for t in texts if reading(t, True) != reading(t, False)]
    assert differing == []


def test_scored_text_is_how_ingest_joins_title_and_body() -> None:
    assert scored_text("Title", "body") == "Title\nbody"
    assert scored_text(None, "body") == "body"
    assert scored_text("", "body") == "body"
    matcher = Matcher(load_config(REPO / "config" / "fanpulse.toml").watchlist)
    post = _post("rss:1", "Heartstopper finale", "I'm sobbing, Nick and Charlie 😭")
    (stored,) = process_posts([post], matcher, show=None).relevant
    assert stored.sentiment == score_text(scored_text(post.title, post.text))


# --- accuracy floors ------------------------------------------------------------------------


def _labelled_macro_f1(path: Path) -> float:
    if not path.exists():
        pytest.skip(f"{path} not present")
    rows = load_labelled(path)
    return macro_f1([g for g, _ in rows], [score_text(t).label for _, t in rows])


def test_dev_set_macro_f1_floor() -> None:
    assert _labelled_macro_f1(DEV) >= 0.80


def test_tuning_set_macro_f1_floor() -> None:
    # heldout-1 is tuning data now: this floor only guards against regressions.
    assert _labelled_macro_f1(TUNING) >= 0.85


def test_final_test_set_macro_f1_floor() -> None:
    """A regression floor on text never tuned on, at the measured level (0.736 for
    fandom-2; plain VADER 0.585). The goal is 0.80: not reached yet."""
    assert _labelled_macro_f1(FINAL_TEST) >= 0.72


def test_tweets_agreement_stays_within_a_hundredth_of_vader() -> None:
    if not TWEETS.exists():
        pytest.skip(f"{TWEETS} not present")
    rows = load_tweets(TWEETS)
    human = [rating for rating, _ in rows]
    scores = [score_text(text) for _, text in rows]
    plain_r = pearson(human, [s.vader_compound for s in scores])
    fandom_r = pearson(human, [s.sentiment for s in scores])
    assert fandom_r >= plain_r - 0.01


# --- a post as a source builds it ---------------------------------------------------------

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _post(post_id: str, title: str | None, text: str) -> Post:
    return Post(
        post_id=post_id,
        source="rss",
        source_name="test-feed",
        channel="http://127.0.0.1/feed",
        url=None,
        author=None,
        title=title,
        text=text,
        lang="en",
        created_at=NOW,
    )
