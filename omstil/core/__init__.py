"""Core: the page frame, the front page, the accessibility statement and the server commands."""
