"""The pure core: versions, timelines, spans and exposure, queries, refresh decisions, change summaries,
settings and errors — values and functions, no I/O."""
