"""SHA-512 crypt (``$6$``) for ``os.password``, without the crypt module (gone in 3.13).

The salt is random (``secrets``), so a hash says nothing about the password beyond what
5000 rounds of SHA-512 cost to test; two renders of one profile differ in the hash only
(tests normalise it). A ``$6$`` hash given in the profile passes through unchanged.
"""

from __future__ import annotations

import secrets

_CRYPT64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def random_salt() -> str:
    """16 characters of crypt's alphabet (96 bits), from the OS's CSPRNG."""
    return "".join(secrets.choice(_CRYPT64) for _ in range(16))


def hash_password(password: str, hostname: str | None = None) -> str:
    """``hostname`` is accepted for the callers' sake; it no longer feeds the salt."""
    if password.startswith("$6$"):
        return password
    from passlib.hash import sha512_crypt

    return sha512_crypt.using(salt=random_salt(), rounds=5000).hash(password)
