import random

from collector.text import (
    MAX_TEXT_CHARS,
    _plain_markup_text,
    _TextExtractor,
    clean_text,
    content_hash,
    html_to_text,
    one_line,
)


def test_html_becomes_plain_text_with_paragraphs() -> None:
    markup = "<p>Kit Connor &amp; Joe Locke</p><p>are <b>back</b>&nbsp;for season 3</p>"
    assert html_to_text(markup) == "Kit Connor & Joe Locke\nare back for season 3"


def test_script_style_and_their_bodies_are_dropped() -> None:
    markup = '<p>Hi</p><script>alert("x")</script><style>p{color:red}</style><img src=x onerror=y>'
    text = html_to_text(markup)
    assert text == "Hi"
    assert "alert" not in text and "color" not in text


def test_plain_text_with_entities_is_decoded_but_angle_brackets_kept() -> None:
    assert html_to_text("Nick &lt;3 Charlie") == "Nick <3 Charlie"
    assert html_to_text("I <3 this show") == "I <3 this show"


def test_control_and_bidi_characters_are_removed() -> None:
    assert clean_text("a\x00b\x1bc\u202ed\u200be\tf") == "abcde f"


def test_text_is_capped_with_an_ellipsis() -> None:
    capped = clean_text("x" * (MAX_TEXT_CHARS + 50))
    assert len(capped) == MAX_TEXT_CHARS
    assert capped.endswith("…")


def test_one_line_folds_newlines_and_empties_to_none() -> None:
    assert one_line("  Nick\n\n Nelson ") == "Nick Nelson"
    assert one_line("   ") is None
    assert one_line(None) is None


def test_content_hash_ignores_case_punctuation_spacing_and_links() -> None:
    a = content_hash("Heartstopper S3!", "Kit Connor returns. https://example.com/a")
    b = content_hash("heartstopper s3", "Kit  Connor returns https://other.example/b")
    c = content_hash("Heartstopper S3", "Joe Locke returns")
    assert a == b
    assert a != c


def _full_parser_text(markup: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    return "".join(extractor.parts)


_PIECES = [
    "<p>", "</p>", "<br>", "<br/>", "<br />", "<P>", "</P >", "<span class=\"h-card\">", "</span>",
    "<a href='https://x.example/@a?b=1&amp;c=2' rel=\"nofollow noopener\" target=_blank>",
    "</a>", "<img src=x onerror=y>", "<b>", "</b>", "<li>", "</ul>", "<h2 id=a>", "<hr/>",
    "<script>", "</script>", "<style>", "<!-- note -->", "<![CDATA[x]]>", "<?xml?>",
    "<a title='a>b'>", "<a title=\"x<y\">", "<div data-x=\"\">", "<a href=>", "<3", " < ", " > ",
    "&amp;", "&lt;", "&gt;", "&nbsp;", "&#128557;", "&#x1F480;", "&am", "&", "p;", "&eacute",
    "Nick", " and ", "Charlie", " 😭 ", "\n", "\t", "x=1", "\"quoted\"", "'", "=", "/",
]  # fmt: skip


def test_fast_markup_path_gives_exactly_what_the_full_parser_gives() -> None:
    """Random fragments: whenever the fast path answers, it agrees with HTMLParser."""
    rng = random.Random(7)
    answered = 0
    for _ in range(20_000):
        markup = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 12)))
        fast = _plain_markup_text(markup)
        if fast is not None:
            answered += 1
            assert fast == _full_parser_text(markup), markup
    assert answered > 5_000  # the fast path is really exercised


def test_fast_markup_path_leaves_doubtful_markup_to_the_parser() -> None:
    for markup in ("<p>I <3 this</p>", "<p>a</p><script>x</script>", "a<!-- c -->b"):
        assert _plain_markup_text(markup) is None
    assert html_to_text("<p>I <3 this</p>") == "I <3 this"
