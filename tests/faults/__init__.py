"""The fault matrix: one test per way things go wrong, each counting what Slack and AWS received."""
