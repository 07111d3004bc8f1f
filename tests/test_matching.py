"""Matching rules (docs/watchlist.md) on the shipped watchlist."""

from __future__ import annotations

import pytest

from analytics.config import load_config
from collector.matching import Matcher
from tests.conftest import REPO


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_config(REPO / "config" / "fanpulse.toml").watchlist)


def ids(matcher: Matcher, text: str, show: str | None = None) -> set[str]:
    return {m.entity_id for m in matcher.match(text, show=show)}


def test_full_names_match_anywhere_with_possessives(matcher: Matcher) -> None:
    assert ids(matcher, "Kit Connor's new film is out") == {"person:kit-connor"}
    assert ids(matcher, "KIT CONNOR and joe locke at the premiere") == {
        "person:kit-connor",
        "person:joe-locke",
    }


def test_curly_apostrophes_and_accents_are_folded(matcher: Matcher) -> None:
    assert ids(matcher, "Fionn O’Shea was great") == {"person:fionn-oshea"}
    assert ids(matcher, "Malte Gardinger interview") == {"person:malte-gardinger"}


def test_word_boundaries(matcher: Matcher) -> None:
    assert ids(matcher, "Heartstoppers everywhere") == set()
    assert ids(matcher, "Nickelodeon and Charlieville, Heartstopper") == {"show:heartstopper"}


def test_first_names_need_show_context(matcher: Matcher) -> None:
    assert ids(matcher, "Nick scored twice and Charlie was sent off") == set()
    assert ids(matcher, "Nick and Charlie in Heartstopper season 3 😭") == {
        "show:heartstopper",
        "character:nick-nelson",
        "character:charlie-spring",
        "ship:nick-charlie",
    }


def test_context_from_one_show_does_not_lend_to_another(matcher: Matcher) -> None:
    # Simon is a Young Royals first name: Heartstopper context does not make it Simon Eriksson.
    assert "character:simon-eriksson" not in ids(matcher, "Simon loved Heartstopper")
    assert "character:simon-eriksson" in ids(matcher, "Simon and Wilhelm, Young Royals")


def test_channel_show_is_context_and_a_mention(matcher: Matcher) -> None:
    assert ids(matcher, "Nick's face when Charlie smiled", show="heartstopper") == {
        "show:heartstopper",
        "character:nick-nelson",
        "character:charlie-spring",
    }
    matches = matcher.match("no names at all", show="heartstopper")
    assert [(m.entity_id, m.matched) for m in matches] == [("show:heartstopper", "source context")]


def test_hashtags_need_their_hash_and_ignore_case(matcher: Matcher) -> None:
    assert ids(matcher, "#narlie forever") == {"ship:nick-charlie"}
    assert ids(matcher, "#HeartstopperSeason3 is here") == {"show:heartstopper"}
    assert ids(matcher, "HeartstopperNetflix without a hash") == set()
    assert ids(matcher, "mail a#HeartstopperNetflix") == set()


def test_ship_spellings(matcher: Matcher) -> None:
    for text in ("Nick/Charlie fic", "nick x charlie art", "Narlie!", "Charlie/Nick"):
        assert "ship:nick-charlie" in ids(matcher, text), text


def test_title_punctuation_variants(matcher: Matcher) -> None:
    for text in ("Red, White & Royal Blue", "red white and royal blue sequel", "RWRB 2"):
        assert "show:red-white-royal-blue" in ids(matcher, text), text


def test_everyday_phrase_title_needs_context(matcher: Matcher) -> None:
    assert ids(matcher, "What a handsome devil he is") == set()
    assert "show:handsome-devil" in ids(matcher, "Handsome Devil with Fionn O'Shea")


def test_person_in_two_shows_is_one_entity_with_both_contexts(matcher: Matcher) -> None:
    assert ids(matcher, "Nicholas Galitzine as Henry") == {
        "person:nicholas-galitzine",
        "character:prince-henry",
    }
    assert "character:conor" in ids(matcher, "Nicholas Galitzine as Conor")


def test_themes_count_only_on_relevant_posts(matcher: Matcher) -> None:
    assert ids(matcher, "mental health matters") == set()
    assert ids(matcher, "Heartstopper handles mental health well") == {
        "show:heartstopper",
        "theme:mental-health",
    }


def test_phrases_do_not_match_across_sentences(matcher: Matcher) -> None:
    assert "person:william-gao" not in ids(matcher, "Heartstopper thanks William. Gao is elsewhere")


def test_every_entity_is_reachable_by_its_own_name_or_alias(matcher: Matcher) -> None:
    watchlist = load_config(REPO / "config" / "fanpulse.toml").watchlist
    for show in watchlist.shows:
        for kind, item in show.members():
            text = (item.aliases or item.context_aliases)[0]
            assert f"{kind}:{item.id}" in ids(matcher, text, show=show.id), text
