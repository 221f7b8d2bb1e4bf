"""The Slack side: Block Kit messages, buttons, the allow-list's Slack lookups, the HTTP server."""
