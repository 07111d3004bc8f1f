"""Theme keywords: inflections through ``*`` prefixes, themes from the user's own watchlist,
and clear errors for keywords that cannot work (docs/watchlist.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.core.config import load_config
from analytics.core.errors import ConfigError
from analytics.store import connect, prepare_database
from collector.matching import Matcher
from tests.conftest import REPO, write_config


@pytest.fixture(scope="module")
def shipped() -> Matcher:
    return Matcher(load_config(REPO / "config" / "fanpulse.toml").watchlist)


def themes(matcher: Matcher, text: str) -> dict[str, str]:
    return {m.entity_id: m.matched for m in matcher.match(text) if m.entity_id.startswith("theme:")}


@pytest.mark.parametrize(
    "text",
    [
        "Netflix cancelling Heartstopper would be a terrible decision",
        "they CANCELLED Heartstopper",
        "Heartstopper canceled?!",
        "no Heartstopper cancellation, please",
        "Heartstopper has been renewed",
        "Heartstopper renewal news",
    ],
)
def test_renewal_takes_every_inflection(shipped: Matcher, text: str) -> None:
    assert "theme:renewal" in themes(shipped, text), text


@pytest.mark.parametrize(
    "text",
    [
        "Heartstopper star talks about cancer research",  # "cancer" is not "cancel…"
        "Heartstopper fans ran a charity cannoli sale",
        "Heartstopper season 3 news",
    ],
)
def test_prefixes_stay_on_their_own_words(shipped: Matcher, text: str) -> None:
    assert "theme:renewal" not in themes(shipped, text), text


def test_a_prefix_alone_does_not_make_a_post_relevant(shipped: Matcher) -> None:
    assert shipped.match("my plans got cancelled again") == []


USER_WATCHLIST = """
[[shows]]
id = "heartstopper"
name = "Heartstopper"
aliases = ["Heartstopper"]

[[themes]]
id = "fan-works"
name = "Fan works"
keywords = ["fanart", "fic rec*", "cosplay*"]

[[themes]]
id = "renewal"
name = "Renewal"
keywords = ["renew*"]
"""


def user_config(tmp_path: Path, watchlist_text: str) -> Path:
    watchlist = tmp_path / "my-watchlist.toml"
    watchlist.write_text(watchlist_text, encoding="utf-8")
    return write_config(tmp_path, [], watchlist=watchlist)


def test_themes_from_the_users_own_watchlist_take_effect(tmp_path: Path) -> None:
    config = load_config(user_config(tmp_path, USER_WATCHLIST))
    matcher = Matcher(config.watchlist)
    assert themes(matcher, "Heartstopper cosplayers at the con") == {"theme:fan-works": "cosplay*"}
    assert themes(matcher, "Heartstopper fic recs please") == {"theme:fan-works": "fic rec*"}
    assert themes(matcher, "Heartstopper recs please") == {}  # the words before are exact
    assert themes(matcher, "Heartstopper renewed, with fanart") == {
        "theme:renewal": "renew*",
        "theme:fan-works": "fanart",
    }
    # The dashboard lists the user's themes: they reach the entities table by name.
    prepare_database(config.database_path, config.watchlist.entities())
    with connect(config.database_path, read_only=True) as con:
        rows = con.execute(
            "SELECT entity_id, name FROM entities WHERE kind = 'theme' ORDER BY entity_id"
        ).fetchall()
    assert rows == [("theme:fan-works", "Fan works"), ("theme:renewal", "Renewal")]


@pytest.mark.parametrize(
    ("themes_toml", "key", "problem"),
    [
        ('id = "x"\nname = "X"\nkeywords = ["can*cel"]', "themes[0] (X).keywords", "only end"),
        ('id = "x"\nname = "X"\nkeywords = ["ca*"]', "themes[0] (X).keywords", "at least 3"),
        ('id = "x"\nname = "X"\nkeywords = ["cancel *"]', "themes[0] (X).keywords", "no space"),
        ('id = "x"\nname = "X"\nkeywords = []', "themes[0] (X).keywords", "at least 1"),
        ('id = "X y"\nname = "X"\nkeywords = ["x"]', "themes[0] (X).id", "slug"),
        ('id = "x"\nname = "X"\nkeyword = ["x"]', "themes[0] (X).keywords", "Field required"),
    ],
)
def test_bad_themes_get_one_clear_line(
    tmp_path: Path, themes_toml: str, key: str, problem: str
) -> None:
    text = '[[shows]]\nid = "s"\nname = "S"\naliases = ["S"]\n[[themes]]\n' + themes_toml
    with pytest.raises(ConfigError) as caught:
        load_config(user_config(tmp_path, text))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(tmp_path / "my-watchlist.toml"))
    assert caught.value.key == key and problem in caught.value.problem, message


def test_a_theme_listed_twice_is_an_error(tmp_path: Path) -> None:
    theme = '[[themes]]\nid = "x"\nname = "X"\nkeywords = ["x"]\n'
    text = '[[shows]]\nid = "s"\nname = "S"\naliases = ["S"]\n' + theme + theme
    with pytest.raises(ConfigError, match=r"themes\[1\]\.id: theme 'x' is listed twice"):
        load_config(user_config(tmp_path, text))
