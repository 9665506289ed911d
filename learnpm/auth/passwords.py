"""The password policy (NIST SP 800-63B) and Argon2id hashing."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 15
MAX_LENGTH = 128

# Argon2id at OWASP's recommended minimum (Password Storage Cheat Sheet): 19 MiB, 2 passes, 1 lane. About
# 30 ms of one core per check, against some 120-220 ms for argon2-cffi's default (64 MiB, 3 passes, 4 lanes),
# so a class of 1,000 logging in within a minute fits two workers (docs/performance.md). A hash made with
# other parameters verifies still and is remade with these at the next log-in.
ARGON2_PARAMETERS = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
_hasher = PasswordHasher(**ARGON2_PARAMETERS)


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, *, context: tuple[str, ...] = ()) -> str | None:
    """Return why a password is refused, or None when it is acceptable.

    Length bounds, no composition rules; refused when it is a common password, a run or
    repetition of one, or built from the user's own name or email (`context`).
    """
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters (a few unrelated words make a good one)."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    folded = password.lower()
    if folded in _common_passwords():
        return "This password is on a list of common passwords; choose another."
    # zxcvbn finds repeats ("passwordpassword"), sequences and dictionary words; a score of
    # 0 or 1 means it would fall to an online guessing attack.
    result = zxcvbn(password[:100], user_inputs=[c for c in context if c])
    if result["score"] <= 1:
        return ("This password is too easy to guess (common words, repeats or your own details); "
                "choose another.")
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# Verified against when the account does not exist, so both paths cost the same time.
DUMMY_HASH = _hasher.hash("learnpm-timing-equaliser-not-a-password")
