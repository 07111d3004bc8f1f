"""Matching rules (docs/watchlist.md) on the shipped watchlist."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pytest

from analytics.core.config import load_config
from collector.matching import Matcher, warn_dead_aliases
from tests.conftest import REPO, write_config
from tests.e2e.test_cli import FANPULSE


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


DEAD_ALIAS_WATCHLIST = """
[[shows]]
id = "heartstopper"
name = "Heartstopper"
aliases = ["Heartstopper", "💜🍂", ""]
context_terms = ["?!"]

[[shows.characters]]
id = "nick-nelson"
name = "Nick Nelson"
aliases = ["Nick Nelson", "   ", "Mr. Nelson", "・", "ニック・ネルソン"]
context_aliases = ["--"]

[[themes]]
id = "queer-joy"
name = "Queer joy"
keywords = ["🏳️‍🌈", "queer joy"]
"""

DEAD = {
    ("show:heartstopper", "💜🍂"),
    ("show:heartstopper", ""),
    ("show:heartstopper", "?!"),
    ("character:nick-nelson", "   "),
    ("character:nick-nelson", "Mr. Nelson"),
    ("character:nick-nelson", "・"),
    ("character:nick-nelson", "--"),
    ("theme:queer-joy", "🏳️‍🌈"),
}


def dead_alias_config(tmp_path: Path) -> Path:
    watchlist = tmp_path / "watchlist.toml"
    watchlist.write_text(DEAD_ALIAS_WATCHLIST, encoding="utf-8")
    return write_config(tmp_path, [], watchlist=watchlist)


def test_aliases_that_can_never_match_are_found_and_the_rest_still_match(
    tmp_path: Path,
) -> None:
    matcher = Matcher(load_config(dead_alias_config(tmp_path)).watchlist)
    assert {(d.entity_id, d.alias) for d in matcher.dead_aliases} == DEAD
    reasons = {d.alias: d.reason for d in matcher.dead_aliases}
    assert reasons["💜🍂"] == reasons["・"] == "it has no letters or digits"
    assert "'.'" in reasons["Mr. Nelson"] and "sentence" in reasons["Mr. Nelson"]
    # Nothing a post can say reaches a dead alias ...
    text = "💜🍂 Mr. Nelson -- ?! 🏳️‍🌈"
    assert [m.matched for m in matcher.match(text + " Heartstopper")] == ["Heartstopper"]
    assert matcher.match(text) == []
    assert matcher.match("ニックの笑顔・最高") == []  # a separator alone is no alias
    assert {m.entity_id for m in matcher.match("ニック・ネルソンの笑顔")} == {
        "character:nick-nelson"
    }
    # ... and the others work as before.
    assert {m.entity_id for m in matcher.match("Nick Nelson in Heartstopper, queer joy")} == {
        "show:heartstopper",
        "character:nick-nelson",
        "theme:queer-joy",
    }


def test_dead_aliases_are_logged_at_warning_naming_entity_and_alias(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = load_config(dead_alias_config(tmp_path))
    with caplog.at_level(logging.WARNING, logger="collector.matching"):
        dead = warn_dead_aliases(config.watchlist, config.watchlist_path)
    assert len(dead) == len(caplog.records) == len(DEAD)
    assert all(r.levelno == logging.WARNING for r in caplog.records)
    messages = [r.getMessage() for r in caplog.records]
    for entity_id, alias in DEAD:
        assert any(f"{entity_id}: alias {alias!r} can never match" in m for m in messages)
    assert all(m.startswith(str(config.watchlist_path)) for m in messages)


def test_the_shipped_watchlist_has_no_dead_alias(matcher: Matcher) -> None:
    assert matcher.dead_aliases == []


def test_cli_warns_about_dead_aliases_on_load_and_carries_on(tmp_path: Path) -> None:
    config = dead_alias_config(tmp_path)
    result = subprocess.run(
        [FANPULSE, "--config", str(config), "sources"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "can never match" in line]
    assert len(warnings) == len(DEAD)
    assert all(" WARNING " in line for line in warnings)
    assert any("character:nick-nelson: alias 'Mr. Nelson' can never match" in w for w in warnings)
    assert any("show:heartstopper: alias '💜🍂' can never match" in w for w in warnings)


# --- precision: everyday words, namesakes, brands ------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "A real heartstopper: cardiologists explain what happens during cardiac arrest",
        "What a heart stopper! Penalties again for the Lionesses",
        "a heart stopper of a match in Madrid tonight",
        "Europe's young royals gather for a wedding in Monaco",
        "He is such a handsome devil in that suit",
    ],
)
def test_lowercase_everyday_words_are_not_the_title(matcher: Matcher, text: str) -> None:
    assert ids(matcher, text) == set()


def test_a_title_used_as_the_everyday_noun_does_not_count_even_with_context(
    matcher: Matcher,
) -> None:
    # Andrew Scott is in Handsome Devil, but here "a handsome devil" is a compliment.
    assert ids(matcher, "Andrew Scott on the red carpet tonight: a handsome devil") == {
        "person:andrew-scott"
    }
    assert ids(matcher, "Andrew Scott, you handsome devil") == {"person:andrew-scott"}
    assert ids(matcher, "Kit Connor is a real heartstopper.") == {"person:kit-connor"}


def test_an_everyday_title_counts_with_capitals_context_or_as_a_title(matcher: Matcher) -> None:
    assert ids(matcher, "The Heartstopper finale made me ugly cry") == {"show:heartstopper"}
    assert ids(matcher, "HEARTSTOPPER FINALE I AM SOBBING") == {"show:heartstopper"}
    assert ids(matcher, "This is a Heartstopper appreciation post") == {"show:heartstopper"}
    assert ids(matcher, "Young Royals is the best Swedish show") == {"show:young-royals"}
    assert ids(matcher, "heartstopper s3 was a masterpiece") == {"show:heartstopper"}
    assert "show:heartstopper" in ids(matcher, "kit connor said heartstopper is about joy")
    assert "show:heartstopper" in ids(matcher, "nick and charlie in heartstopper are so cute")
    assert ids(matcher, "What a heartstopper of an episode", show="heartstopper") == {
        "show:heartstopper"
    }


def test_a_first_name_before_another_capitalised_name_is_someone_else(matcher: Matcher) -> None:
    # Each post has Heartstopper context, which used to unlock any Charlie, Joe or Elle.
    assert ids(matcher, "Olivia Colman and Charlie Cox to star in a new legal drama") == {
        "person:olivia-colman"
    }
    assert ids(matcher, "Joe Biden praised Netflix's Heartstopper in a speech") == {
        "show:heartstopper"
    }
    assert ids(matcher, "Heartstopper fans: Kit Harington joins a new drama") == {
        "show:heartstopper"
    }


def test_a_brand_is_not_a_first_name(matcher: Matcher) -> None:
    assert ids(matcher, "Yasmin Finney covers Elle UK's summer issue") == {"person:yasmin-finney"}
    assert ids(matcher, "Yasmin Finney on the cover of Elle magazine") == {"person:yasmin-finney"}


def test_titles_dates_and_other_languages_words_are_not_first_names(matcher: Matcher) -> None:
    assert ids(matcher, "Heartstopper fans: Mr Darcy in the rain is the best scene") == {
        "show:heartstopper"
    }
    assert ids(matcher, "Young Royals season 3 comes out in August") == {"show:young-royals"}
    assert ids(matcher, "Young Royals: August 12 is the premiere") == {"show:young-royals"}
    assert ids(matcher, "Elle est vraiment incroyable dans Heartstopper") == {"show:heartstopper"}


def test_first_names_still_count_in_fan_writing(matcher: Matcher) -> None:
    hs = "heartstopper"
    assert ids(matcher, "nick and charlie are so cute omg", show=hs) == {
        "show:heartstopper",
        "character:nick-nelson",
        "character:charlie-spring",
        "ship:nick-charlie",
    }
    assert "character:nick-nelson" in ids(matcher, "NICK CRIED AND SO DID I", show=hs)
    assert {"character:nick-nelson", "character:charlie-spring"} <= ids(
        matcher, "Nick, Charlie and Tao are the best", show=hs
    )
    assert "character:elle-argent" in ids(matcher, "Elle et Tao dans Heartstopper")
    assert ids(matcher, "Kit on the red carpet last night", show=hs) == {
        "show:heartstopper",
        "person:kit-connor",
    }


def test_a_context_term_gives_no_context_to_the_same_words(matcher: Matcher) -> None:
    # "John Butler" is both a context term of Handsome Devil and its director's weak alias.
    assert ids(matcher, "John Butler Trio announce Australian tour") == set()
    assert "person:john-butler" in ids(matcher, "Handsome Devil director John Butler")


# --- recall: ships, other languages and scripts ---------------------------------------------


def test_two_characters_named_as_a_pair_give_their_ship(matcher: Matcher) -> None:
    assert ids(matcher, "Nick Nelson & Charlie Spring photoshoot is out") == {
        "character:nick-nelson",
        "character:charlie-spring",
        "ship:nick-charlie",
    }
    for text in (
        "Tara Jones and Darcy Olsson deserve more scenes",
        "Nick y Charlie en Heartstopper son lo más tierno",
        "Wille och Simon i Young Royals är så fina",
        "henry and alex at the end of RWRB",
    ):
        found = ids(matcher, text)
        assert any(entity.startswith("ship:") for entity in found), text


def test_characters_named_apart_are_no_ship(matcher: Matcher) -> None:
    found = ids(matcher, "Kit Connor plays Nick and Joe Locke plays Charlie in Heartstopper")
    assert {"character:nick-nelson", "character:charlie-spring"} <= found
    assert "ship:nick-charlie" not in found


@pytest.mark.parametrize(
    ("text", "show"),
    [
        ("ハートストッパーのシーズン3、やっと見た！", "heartstopper"),
        ("하트스토퍼는 내 인생 드라마야", "heartstopper"),
        ("终于等到《心跳漏一拍》第三季了", "heartstopper"),
        ("心跳漏一拍第三季终于上线了", "heartstopper"),
        ("ヤング・ロイヤルズの最終シーズン", "young-royals"),
        ("映画「赤と白とロイヤルブルー」続編決定！", "red-white-royal-blue"),
        ("Vermelho, Branco e Sangue Azul é o meu filme de conforto", "red-white-royal-blue"),
        ("Rojo, blanco y sangre azul por fin tiene secuela", "red-white-royal-blue"),
    ],
)
def test_titles_in_fan_languages_are_found_inside_sentences(
    matcher: Matcher, text: str, show: str
) -> None:
    assert ids(matcher, text) == {f"show:{show}"}


def test_an_everyday_chinese_phrase_needs_title_brackets_or_context(matcher: Matcher) -> None:
    assert ids(matcher, "看到他的那一刻我心跳漏一拍") == set()
    assert ids(matcher, "《心跳漏一拍》真的太治愈了") == {"show:heartstopper"}


def test_the_dev_set_meets_the_goals(matcher: Matcher) -> None:
    from bench.matching_eval import DEV, GOAL_KINDS, GOAL_PRECISION, GOAL_RECALL, load_set, score

    posts = load_set(DEV)
    assert len(posts) >= 150
    figures = score(matcher, posts)
    for kind in GOAL_KINDS:
        assert figures[kind]["precision"] >= GOAL_PRECISION, (kind, figures[kind])
        assert figures[kind]["recall"] >= GOAL_RECALL, (kind, figures[kind])
