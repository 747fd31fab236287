"""SHA-512 crypt (``$6$``) for ``os.password``, without the crypt module (gone in 3.13).

Rendering is deterministic (same input → same bytes), so the salt is derived from the
node's hostname and the password instead of drawn at random: distinct per node and
password, stable across renders. A ``$6$`` hash given in the profile passes through.
"""

from __future__ import annotations

import base64
import hashlib



def derived_salt(password: str, hostname: str | None) -> str:
    digest = hashlib.sha256(b"harvester-netsetup\0" + (hostname or "").encode() + b"\0" + password.encode()).digest()
    return base64.b64encode(digest).decode()[:16].translate(_TO_CRYPT)


_TO_CRYPT = str.maketrans("+/", "./")


def hash_password(password: str, hostname: str | None = None) -> str:
    if password.startswith("$6$"):
        return password
    from passlib.hash import sha512_crypt

    return sha512_crypt.using(salt=derived_salt(password, hostname), rounds=5000).hash(password)
