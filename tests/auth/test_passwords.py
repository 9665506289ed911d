"""The NIST SP 800-63B password policy, as a pure rule."""

import pytest
from argon2 import PasswordHasher, extract_parameters

from learnpm.auth.models import User
from learnpm.auth.passwords import hash_password, password_problem, verify_password
from learnpm.extensions import db
from tests.conftest import DEFAULT_PASSWORD, log_in


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


def test_hashes_use_owasps_argon2id_parameters():
    parameters = extract_parameters(hash_password("correct horse battery staple"))
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (19 * 1024, 2, 1)


def test_an_older_hash_still_logs_in_and_is_remade_with_the_current_parameters(client, learner):
    old = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4).hash(DEFAULT_PASSWORD)  # the old default
    db.session.get(User, learner.id).password_hash = old
    db.session.commit()
    assert log_in(client, learner.email).status_code == 302
    db.session.expire_all()
    upgraded = db.session.get(User, learner.id).password_hash
    assert upgraded != old and extract_parameters(upgraded).memory_cost == 19 * 1024
    assert verify_password(upgraded, DEFAULT_PASSWORD)
