"""Names shown for stored values, shared by the pages and the brief (no Streamlit here: the
collector renders the brief for the digest)."""

SOURCE_LABELS = {
    "rss": "News (RSS)",
    "reddit": "Reddit",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "youtube": "YouTube",
    "ao3": "AO3 fan works",
}
