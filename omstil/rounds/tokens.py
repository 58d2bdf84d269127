"""Respondent tokens and the two keyed hashes that keep answers apart from invitations.

A token is an HMAC of the invitation's identity under a per-round salt and the server's secret
key: 160 random-looking bits, the same in the invitation and in each reminder, and never stored.
The invitation keeps `invitation_hash(token)`; a response is found again by
`lookup_hash(round, token)`, under a different, per-round key that is wiped when the round closes.
Without the token the two hashes cannot be matched.
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings


def new_secret() -> str:
    """256 random bits, hex-encoded: a round's token salt or lookup key."""
    return secrets.token_hex(32)


def _key(purpose: str, salt: str = "") -> bytes:
    material = f"omstil:{purpose}:{salt}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), material, hashlib.sha256).digest()


def token_for(token_salt: str, person_id: int, leader_employee_id: str, rater_group: str) -> str:
    """The personal token for one invitation of an open round (32 characters, 160 bits)."""
    if not token_salt:
        raise ValueError("The round has no token salt: it is not open.")
    message = f"{person_id}:{leader_employee_id}:{rater_group}".encode()
    digest = hmac.new(_key("token", token_salt), message, hashlib.sha256).digest()[:20]
    return base64.b32encode(digest).decode().lower()


def invitation_hash(token: str) -> str:
    """What an invitation stores of its token."""
    return hmac.new(_key("invitation"), token.encode(), hashlib.sha256).hexdigest()


def lookup_hash(lookup_key: str, token: str, purpose: str = "response") -> str:
    """What a response (or, with purpose "comment", a comment) stores to be found again."""
    if not lookup_key:
        raise ValueError("The round's lookup key is wiped: it is closed.")
    key = bytes.fromhex(lookup_key)
    return hmac.new(key, f"{purpose}:{token}".encode(), hashlib.sha256).hexdigest()


def looks_like_token(value: str) -> bool:
    """A cheap check before any database lookup."""
    return len(value) == 32 and all(c in "abcdefghijklmnopqrstuvwxyz234567" for c in value)
