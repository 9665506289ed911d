"""The NIST SP 800-63B password policy, as a pure rule."""

import pytest

from learnpm.auth.passwords import hash_password, password_problem, verify_password


@pytest.mark.parametrize("password", [
    "correct horse battery staple",
    "my cat eats tulips at dawn",
    "ßüñ-ünïcødé-pässphrase-ok",
])
def test_long_uncommon_passwords_are_accepted_without_composition_rules(password):
    assert password_problem(password) is None


@pytest.mark.parametrize("password, reason", [
    ("short phrase", "at least 15"),
    ("x" * 129, "at most 128"),
    ("passwordpassword", "too easy"),
    ("123456789012345", "too easy"),
    ("aaaaaaaaaaaaaaaaaaaa", "too easy"),
    ("qwertyuiopasdfghjkl", "too easy"),
])
def test_short_long_and_guessable_passwords_are_refused(password, reason):
    assert reason in password_problem(password)


def test_a_password_made_of_the_users_own_email_is_refused():
    assert password_problem("lena.learner@example.com", context=("lena.learner@example.com",))


def test_hashes_are_argon2id_and_verify_only_the_right_password():
    hashed = hash_password("correct horse battery staple")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "correct horse battery staple")
    assert not verify_password(hashed, "correct horse battery stapl")
    assert not verify_password("not a hash", "anything")
