"""Password hashes: made with the current argon2 parameters, re-made at login when they differ."""

from __future__ import annotations

from argon2 import PasswordHasher

from voting.auth import services
from voting.auth.models import Role
from voting.auth.services import authenticate, create_user

PASSWORD = "hoi-nghi-2016"


def test_a_hash_with_other_parameters_is_remade_at_login() -> None:
    account = create_user("thuky2", PASSWORD, full_name="Nguyễn Văn B", role=Role.SECRETARY)
    older = PasswordHasher(time_cost=3, memory_cost=2048, parallelism=2).hash(PASSWORD)
    account.password_hash = older
    assert services._hasher.check_needs_rehash(older)

    assert authenticate("thuky2", PASSWORD) is account
    assert account.password_hash != older
    assert not services._hasher.check_needs_rehash(account.password_hash)
    assert authenticate("thuky2", PASSWORD) is account  # the new hash verifies


def test_a_wrong_password_leaves_the_hash_alone() -> None:
    account = create_user("thuky3", PASSWORD, full_name="Nguyễn Văn C", role=Role.SECRETARY)
    older = PasswordHasher(time_cost=3, memory_cost=2048, parallelism=2).hash(PASSWORD)
    account.password_hash = older

    assert authenticate("thuky3", "sai-mat-khau") is None
    assert account.password_hash == older
