"""Account workflows: registration, authentication, name, password and role changes."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from learnpm import audit
from learnpm.auth import sessions
from learnpm.auth.models import Role, User, normalize_email
from learnpm.auth.names import NAME_MAX, clean_name, name_problem
from learnpm.auth.passwords import (
    DUMMY_HASH,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from learnpm.errors import Conflict, NotFound, ValidationError
from learnpm.extensions import db
from learnpm.timeutil import utcnow

EMAIL_MAX = 254
UNUSABLE_PREFIX = "!"  # an invited account has no password until the invitation is accepted


def storable(text: str) -> bool:
    """Whether the database can take this text as a parameter (PostgreSQL refuses NUL and lone surrogates)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def find_by_email(email: str) -> User | None:
    if not storable(email):
        return None
    return db.session.scalar(select(User).where(User.email_normalized == normalize_email(email)))


def check_name(raw: str) -> str:
    """Return the cleaned name, or raise ValidationError saying what is wrong with it."""
    name = clean_name(raw)
    problem = name_problem(name)
    if problem:
        raise ValidationError(problem if name else f"A name of 1 to {NAME_MAX} characters is required.",
                              {"field": "name"})
    return name


def email_problem(email: str) -> str | None:
    """Return why an address is not usable, or None (the forms check the syntax in full)."""
    local, at, domain = email.rpartition("@")
    if not at or not local or "." not in domain or len(email) > EMAIL_MAX or any(c.isspace() for c in email) \
            or not email.isprintable() or domain.startswith(".") or domain.endswith("."):
        return "A valid email address is required, like name@example.com."
    return None


def check_email(raw: str) -> str:
    email = raw.strip()
    problem = email_problem(email)
    if problem:
        raise ValidationError(problem, {"field": "email"})
    return email


def registration_problem(mode: str, email: str) -> str | None:
    """Return why self-registration is refused under LEARNPM_REGISTRATION `mode`, or None."""
    if mode == "open":
        return None
    if mode.startswith("domain:"):
        allowed = mode[len("domain:"):].split(",")
        domain = normalize_email(email).rpartition("@")[2]
        if domain in allowed:
            return None
        return f"Registration is open to addresses at {', '.join(allowed)} only."
    return "Registration is by invitation only: ask your instructor for an invitation."


def create_user(email: str, name: str, password: str | None, role: Role | str = Role.LEARNER) -> User:
    """Create an account after checking the email, name and password policy (None: invited, no password yet)."""
    email, name = check_email(email), check_name(name)
    try:
        role = Role(role)
    except ValueError as exc:
        raise ValidationError(f"Unknown role {role!r}.", {"field": "role"}) from exc
    if password is not None:
        problem = password_problem(password, context=(name, *name.split(), email, email.split("@")[0]))
        if problem:
            raise ValidationError(problem, {"field": "password"})
    if find_by_email(email):
        raise Conflict("An account with this email already exists.", {"field": "email"})
    user = User(
        email=email,
        email_normalized=normalize_email(email),
        name=name,
        password_hash=hash_password(password) if password is not None else unusable_password(),
        role=role.value,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this email and password, or None."""
    user = find_by_email(email)
    if user is None:
        verify_password(DUMMY_HASH, password)  # same cost as a real check
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def unusable_password() -> str:
    """A stored value no password verifies against (Argon2 refuses it as a hash), unique per account."""
    return UNUSABLE_PREFIX + secrets.token_hex(16)


def has_password(user: User) -> bool:
    return not user.password_hash.startswith(UNUSABLE_PREFIX)


def set_new_password(user: User, new: str, field: str = "password", keep_session: int | None = None) -> None:
    """Set a password that meets the policy; every session of the user but `keep_session` ends."""
    problem = password_problem(new, context=(user.name, *user.name.split(), user.email, user.email.split("@")[0]))
    if problem:
        raise ValidationError(problem, {"field": field})
    user.password_hash = hash_password(new)
    sessions.end_all(user, keep=keep_session)


def change_password(user: User, current: str, new: str, keep_session: int | None = None) -> None:
    """Change a password; every other session of the user ends."""
    if not verify_password(user.password_hash, current):
        raise ValidationError("The current password is not right.", {"field": "current"})
    set_new_password(user, new, "new", keep_session)
    audit.record(user, "password.change", f"user:{user.id}")


def change_name(actor: User | str, user: User, raw: str) -> bool:
    """Rename a user (new certificates carry the new name; issued ones keep theirs); False when unchanged."""
    name = check_name(raw)
    if name == user.name:
        return False
    audit.record(actor, "user.name", f"user:{user.id}", old=user.name, new=name)
    user.name = name
    return True


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def set_role(actor: User, user: User, role: str) -> None:
    try:
        new_role = Role(role)
    except ValueError as exc:
        raise ValidationError(f"Unknown role {role!r}.") from exc
    if user.id == actor.id and new_role != Role.ADMIN:
        raise Conflict("You cannot remove your own admin role.")
    if user.role != new_role.value:
        audit.record(actor, "user.role", f"user:{user.id}", old=user.role, new=new_role.value)
        user.role = new_role.value


def set_active(actor: User, user: User, active: bool) -> None:
    if user.id == actor.id and not active:
        raise Conflict("You cannot deactivate your own account.")
    if user.active != active:
        audit.record(actor, "user.activate" if active else "user.deactivate", f"user:{user.id}")
        user.active = active
        sessions.end_all(user)
