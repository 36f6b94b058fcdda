"""The edges: YAML and answers files, the SQLite store, Jinja rendering, terminal prompts,
private files and locations on disk. Each turns the outside world into core objects."""
