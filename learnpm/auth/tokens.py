"""Signed links (password reset, invitation, email change): a purpose, a payload and an age limit."""

from __future__ import annotations

import hashlib

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from learnpm.errors import ValidationError

RESET_SECONDS = 60 * 60
INVITE_SECONDS = 7 * 24 * 60 * 60
EMAIL_SECONDS = 24 * 60 * 60
TOKEN_MAX = 600


def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"learnpm.{purpose}")


def make(secret: str, purpose: str, payload: dict) -> str:
    return _serializer(secret, purpose).dumps(payload)


def read(secret: str, purpose: str, token: str, max_age: int, now: float | None = None) -> dict:
    """Return the payload of a token made for `purpose`; ValidationError if tampered with or too old."""
    if not token or len(token) > TOKEN_MAX or not token.isascii():
        raise ValidationError("This link is not valid. Ask for a new one.")
    serializer = _serializer(secret, purpose)
    try:
        if now is None:
            payload = serializer.loads(token, max_age=max_age)
        else:
            payload, signed_at = serializer.loads(token, return_timestamp=True)
            if now - signed_at.timestamp() > max_age:
                raise SignatureExpired("expired")
    except SignatureExpired as exc:
        raise ValidationError("This link has expired. Ask for a new one.") from exc
    except (BadSignature, ValueError, UnicodeError) as exc:
        raise ValidationError("This link is not valid. Ask for a new one.") from exc
    if not isinstance(payload, dict):
        raise ValidationError("This link is not valid. Ask for a new one.")
    return payload


def password_stamp(password_hash: str) -> str:
    """A short fingerprint of the password hash: a link bound to it dies when the password changes."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:20]
