"""Small helpers that know nothing of Django."""
