"""The pure domain: definitions, answers, rules, the guard, the summary view, the interview's
steps and records. No terminal, file, database or template engine in here."""
