"""Configuration, the watchlist and the records every layer shares (no I/O beyond reading
config files)."""

# Here rather than in .config, so a command line can name it without loading the loader.
CONFIG_ENV = "FANPULSE_CONFIG"
