"""os.password: SHA-512 crypt, checked against the C library's crypt(3) as the oracle; the
salt is random, never derived from the password (or it would identify the password)."""

import hashlib
import re

import pytest

from tui.render.password import hash_password

HASH = re.compile(r"\$6\$([./0-9A-Za-z]{16})\$[./0-9A-Za-z]{86}")


@pytest.mark.parametrize("password", ["p@ssword", "with space", "ünïcode", "x" * 200])
def test_hash_matches_libc_crypt(password):
    crypt = pytest.importorskip("crypt", reason="the crypt module (oracle) is gone in Python 3.13")
    hashed = hash_password(password, "node1")
    assert HASH.fullmatch(hashed)
    assert crypt.crypt(password, hashed) == hashed


@pytest.mark.parametrize("hostname", [None, "node1"])
def test_the_salt_is_random_not_derived_from_the_password(hostname):
    salts = {HASH.fullmatch(hash_password("pw", hostname)).group(1) for _ in range(20)}
    assert len(salts) == 20
    # the old derivation: sha256 of a constant, the hostname and the password
    digest = hashlib.sha256(b"harvester-netsetup\0" + (hostname or "").encode() + b"\0pw").digest()
    import base64

    derived = base64.b64encode(digest).decode()[:16].replace("+", ".")
    assert derived not in salts


def test_existing_hash_passes_through():
    h = hash_password("pw", "n")
    assert hash_password(h, "other") == h
