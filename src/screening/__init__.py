"""Pre-screening questionnaire for a ketamine-therapy consultation. Not diagnostic."""

__version__ = "0.1.0"
