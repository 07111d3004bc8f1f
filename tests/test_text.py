from collector.text import MAX_TEXT_CHARS, clean_text, content_hash, html_to_text, one_line


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
