"""Slash command listeners, one module per command, each with `register(app)`."""
