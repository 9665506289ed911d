"""Links by mail: password reset (one hour), invitation (seven days) and email change (one day).

Each link is signed and bound to the state it changes: a reset or an invitation to the password's
fingerprint, so it works once and dies with any later password change; an email change to the
address it replaces. Nothing is stored for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from learnpm import audit, mail
from learnpm.auth import services, tokens
from learnpm.auth.models import Role, User, normalize_email
from learnpm.errors import Conflict, ValidationError
from learnpm.extensions import db


@dataclass(frozen=True)
class Links:
    """What building a mailed link needs: the signing secret and the public base address."""

    secret: str
    public_url: str

    def url(self, path: str) -> str:
        return self.public_url.rstrip("/") + path


def _user_from(payload: dict) -> User | None:
    user_id = payload.get("u")
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    return db.session.get(User, user_id)


# Password reset


def request_reset(email: str, links: Links) -> None:
    """Mail a reset link if an active account has this address; say nothing either way."""
    user = services.find_by_email(email)
    if user is None or not user.active:
        return
    token = tokens.make(links.secret, "reset", {"u": user.id, "p": tokens.password_stamp(user.password_hash)})
    mail.send_template(user.email, "Reset your learnpm password", "reset", user=user,
                       link=links.url(f"/password/reset/{token}"), hours=tokens.RESET_SECONDS // 3600)
    audit.record(user, "password.reset_requested", f"user:{user.id}")


def send_reset(actor: User, user: User, links: Links) -> None:
    """An admin sends a user a reset link."""
    if not user.active:
        raise Conflict("This account is deactivated: reactivate it first.")
    request_reset(user.email, links)
    audit.record(actor, "user.reset_sent", f"user:{user.id}")


def _check_link(token: str, purpose: str, max_age: int, links: Links, now: float | None) -> User:
    payload = tokens.read(links.secret, purpose, token, max_age, now)
    user = _user_from(payload)
    if user is None or not user.active or payload.get("p") != tokens.password_stamp(user.password_hash):
        raise ValidationError("This link has already been used or is no longer valid. Ask for a new one.")
    return user


def check_reset(token: str, links: Links, now: float | None = None) -> User:
    """Return the user a reset link is for; ValidationError when it is tampered with, expired or used."""
    return _check_link(token, "reset", tokens.RESET_SECONDS, links, now)


def reset_password(token: str, new: str, links: Links, now: float | None = None) -> User:
    """Set the new password from a reset link; every session of the user ends."""
    user = check_reset(token, links, now)
    services.set_new_password(user, new)
    audit.record(user, "password.reset", f"user:{user.id}")
    return user


# Invitations


def invite(actor: User | str, email: str, name: str, role: Role | str, links: Links) -> User:
    """Create an account without a password and mail it a link to choose one (valid seven days)."""
    user = services.create_user(email, name, None, role)
    send_invitation(actor, user, links)
    return user


def send_invitation(actor: User | str, user: User, links: Links) -> None:
    token = tokens.make(links.secret, "invite", {"u": user.id, "p": tokens.password_stamp(user.password_hash)})
    inviter = getattr(actor, "name", None)
    mail.send_template(user.email, "You are invited to learnpm", "invite", user=user, inviter=inviter,
                       link=links.url(f"/invitation/{token}"), days=tokens.INVITE_SECONDS // 86400)
    audit.record(actor, "user.invite", f"user:{user.id}", email=user.email, role=user.role)


def check_invitation(token: str, links: Links, now: float | None = None) -> User:
    return _check_link(token, "invite", tokens.INVITE_SECONDS, links, now)


def accept_invitation(token: str, password: str, links: Links, now: float | None = None) -> User:
    user = check_invitation(token, links, now)
    services.set_new_password(user, password)
    audit.record(user, "user.invitation_accepted", f"user:{user.id}")
    return user


# Email change


def request_email_change(user: User, new_email: str, links: Links) -> None:
    """Mail a confirmation link to the new address; the address changes when it is opened."""
    new_email = services.check_email(new_email)
    if normalize_email(new_email) == user.email_normalized:
        raise ValidationError("That is already your email address.", {"field": "email"})
    if services.find_by_email(new_email):
        raise Conflict("Another account already uses this address.", {"field": "email"})
    token = tokens.make(links.secret, "email", {"u": user.id, "e": new_email, "old": user.email_normalized})
    mail.send_template(new_email, "Confirm your new learnpm email address", "email_change", user=user,
                       new_email=new_email, link=links.url(f"/account/email/{token}"),
                       hours=tokens.EMAIL_SECONDS // 3600)
    audit.record(user, "user.email_change_requested", f"user:{user.id}", new=new_email)


def confirm_email_change(token: str, links: Links, now: float | None = None) -> User:
    payload = tokens.read(links.secret, "email", token, tokens.EMAIL_SECONDS, now)
    user = _user_from(payload)
    new_email = payload.get("e")
    if user is None or not user.active or not isinstance(new_email, str) or payload.get("old") != user.email_normalized:
        raise ValidationError("This link has already been used or is no longer valid. Ask for a new one.")
    if services.find_by_email(new_email):
        raise Conflict("Another account already uses this address.")
    old = user.email
    set_email(user, user, new_email)
    mail.send_template(old, "Your learnpm email address was changed", "email_changed", user=user, old_email=old,
                       new_email=user.email)
    return user


def set_email(actor: User | str, user: User, new_email: str) -> bool:
    """Change a user's address (an admin does it directly); False when unchanged."""
    new_email = services.check_email(new_email)
    if new_email == user.email:
        return False
    if normalize_email(new_email) != user.email_normalized and services.find_by_email(new_email):
        raise Conflict("Another account already uses this address.", {"field": "email"})
    audit.record(actor, "user.email", f"user:{user.id}", old=user.email, new=new_email)
    user.email, user.email_normalized = new_email, normalize_email(new_email)
    return True

