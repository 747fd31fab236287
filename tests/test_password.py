"""os.password: SHA-512 crypt, checked against the C library's crypt(3) as the oracle."""

import pytest

from tui.render.password import hash_password

crypt = pytest.importorskip("crypt", reason="the crypt module (oracle) is gone in Python 3.13")


@pytest.mark.parametrize("password", ["p@ssword", "with space", "ünïcode", "x" * 200])
def test_hash_matches_libc_crypt(password):
    hashed = hash_password(password, "node1")
    assert hashed.startswith("$6$")
    assert crypt.crypt(password, hashed) == hashed


def test_deterministic_per_host_and_password():
    assert hash_password("pw", "node1") == hash_password("pw", "node1")
    assert hash_password("pw", "node1") != hash_password("pw", "node2")


def test_existing_hash_passes_through():
    h = hash_password("pw", "n")
    assert hash_password(h, "other") == h
