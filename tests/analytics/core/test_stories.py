"""Story keys of single posts: canonical links, headlines, near-identical texts."""

from __future__ import annotations

import random
import struct

import pytest

from analytics.core.stories import (
    NUM_PERM,
    canonical_url,
    packed_signature,
    similarities,
    story_title,
)


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "http://WWW.Example.com:80/news/a/?utm_source=rss&b=2&a=1&fbclid=x&gclid=y#comments",
            "https://example.com/news/a?a=1&b=2",
        ),
        ("https://example.com/news/a?mc_cid=1&mc_eid=2&igshid=3&ref_src=twsrc", "https://example.com/news/a"),
        # A parameter that names the page stays: WordPress posts, YouTube videos, pages.
        ("https://www.pinknews.co.uk/?p=771234", "https://pinknews.co.uk?p=771234"),
        ("https://www.youtube.com/watch?v=abc&utm_medium=share", "https://youtube.com/watch?v=abc"),
        ("https://example.com:8443/a/", "https://example.com:8443/a"),
        ("ftp://example.com/a", None),
        ("not a link", None),
        (None, None),
    ],
)  # fmt: skip
def test_canonical_url(url: str | None, canonical: str | None) -> None:
    assert canonical_url(url) == canonical


def test_a_suffix_naming_the_publisher_is_dropped_and_any_other_suffix_kept() -> None:
    headline = "Joe Locke on saying goodbye to Charlie Spring"
    folded = "joe locke on saying goodbye to charlie spring"
    assert story_title(f"{headline} - PinkNews", ("PinkNews", "news")) == folded
    assert story_title(f"{headline} | Pink News", (None, "pinknews")) == folded
    assert story_title(headline, ("Jane Writer", "pinknews")) == folded
    # Not the publisher: part of the headline.
    assert story_title(f"{headline} - exclusive", ("PinkNews", "pinknews")) == f"{folded} exclusive"


@pytest.mark.parametrize(
    "title",
    [
        "Heartstopper",
        "wow",
        "Heartstopper season 3 - Radio Times",
        "ハートストッパー",
        "하트스토퍼 시즌 3",
    ],
)
def test_short_titles_get_no_headline_key(title: str) -> None:
    assert story_title(title, ("Radio Times", "radiotimes")) is None


def test_accents_and_punctuation_fold_and_cjk_headlines_keep_their_letters() -> None:
    assert story_title("Élite’s finale: the cast say goodbye!", ()) == story_title(
        "ELITE'S FINALE - THE CAST SAY GOODBYE", ()
    )
    assert story_title("ハートストッパー シーズン3の予告編が公開されました", ()) == (
        "ハートストッパー シーズン3の予告編が公開されました"
    )


def test_texts_need_length_to_be_compared() -> None:
    assert packed_signature("Heartstopper is so good, I cried the whole time") == b""
    long = " ".join(f"word{i}" for i in range(40))
    copy = packed_signature(long + " (Reuters)")
    assert similarities(packed_signature(long), [copy])[0] >= 0.8


def test_similarity_is_the_share_of_equal_lanes() -> None:
    """The lane-by-lane comparison on one integer agrees with comparing unpacked values,
    including lanes that differ only in their top or bottom bit."""
    rng = random.Random(5)
    unpack = struct.Struct(f"<{NUM_PERM}I").unpack
    edges = (0, 1, 1 << 31, 0xFFFFFFFF)

    def lane() -> int:
        return rng.choice(edges) if rng.random() < 0.3 else rng.getrandbits(32)

    for _ in range(500):
        own = [lane() for _ in range(NUM_PERM)]
        others = []
        for _ in range(rng.randint(1, 4)):
            other = list(own)
            for index in rng.sample(range(NUM_PERM), rng.randint(0, NUM_PERM)):
                other[index] ^= 1 << rng.choice((0, 31, rng.randrange(32)))
            others.append(struct.pack(f"<{NUM_PERM}I", *other))
        packed = struct.pack(f"<{NUM_PERM}I", *own)
        expected = [
            sum(a == b for a, b in zip(unpack(packed), unpack(o), strict=True)) / NUM_PERM
            for o in others
        ]
        assert similarities(packed, others) == expected
