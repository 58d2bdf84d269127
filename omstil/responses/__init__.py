"""Responses: anonymous answers, kept apart from who was invited (see docs/anonymity.md)."""
