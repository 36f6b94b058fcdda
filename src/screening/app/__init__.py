"""Use cases: each command of the CLI is one call into this layer."""
