"""Configuration, the watchlist and the records every layer shares (no I/O beyond reading
config files)."""
