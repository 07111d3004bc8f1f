"""Read-only trend queries over an open connection: volume, sentiment, share of voice,
spikes, terms, themes, events, attention, top posts, exports."""
