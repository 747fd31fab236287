"""Field formats: one function per kind of value, each returning an error message or None.

These are the messages an operator sees, in the CLI and inline in the wizard alike.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

_LABEL_RE = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_HOSTNAME_CHARS = re.compile(r"[a-z0-9.-]+")
_TOKEN_RE = re.compile(r"[\x20-\x7e]+")
_OPTION_KEY_RE = re.compile(r"[a-z][a-z0-9_]*")
_OPTION_VALUE_RE = re.compile(r"[A-Za-z0-9_.,:+-]+")
_SSH_KEY_RE = re.compile(
    r"(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)"
    r" [A-Za-z0-9+/=]+( [^\x00-\x1f\x7f]*)?"
)
_GITHUB_KEY_RE = re.compile(r"github:[A-Za-z0-9-]+")
_DEVICE_RE = re.compile(r"/dev/[A-Za-z0-9._/:+-]+")
IFNAMSIZ = 15  # usable characters in a Linux interface name
HOST_NAME_MAX = 64  # Linux: a longer hostname cannot be set (sethostname: EINVAL)

# Every pattern here is applied with fullmatch: '$' would also match before a trailing newline.


@lru_cache(maxsize=4096)
def ipv4_address(text: str) -> ipaddress.IPv4Address:
    """Parsed once per distinct text (a fleet parses each node's address in several places);
    raises ValueError like ipaddress."""
    return ipaddress.IPv4Address(text)


@lru_cache(maxsize=4096)
def ipv4_interface(text: str) -> ipaddress.IPv4Interface:
    """As ipv4_address, for an address with prefix."""
    return ipaddress.IPv4Interface(text)


def ipv4(text: str) -> str | None:
    try:
        ipv4_address(text)
    except ValueError:
        return f"'{text}' is not an IPv4 address (dotted quad, e.g. 10.0.0.5)"
    return None


def host_cidr(text: str) -> str | None:
    """A host address with prefix, e.g. 10.0.100.11/24 (not the network or broadcast)."""
    if "/" not in text:
        return f"'{text}' needs a prefix length, e.g. {text}/24"
    try:
        iface = ipv4_interface(text)
    except ValueError:
        return f"'{text}' is not an IPv4 address with prefix (e.g. 10.0.100.11/24)"
    net = iface.network
    if net.prefixlen == 0:
        return f"'{text}': a /0 prefix is not a subnet"
    if net.prefixlen <= 30:
        if iface.ip == net.network_address:
            return f"'{text}' is the network address of {net}; use a host address"
        if iface.ip == net.broadcast_address:
            return f"'{text}' is the broadcast address of {net}; use a host address"
    return None


def network_cidr(text: str) -> str | None:
    """A subnet, e.g. 10.0.30.0/24 (host bits zero)."""
    try:
        net = ipaddress.IPv4Network(text, strict=False)
    except ValueError:
        return f"'{text}' is not an IPv4 subnet in CIDR form (e.g. 10.0.30.0/24)"
    if "/" not in text:
        return f"'{text}' needs a prefix length (e.g. {text}/24)"
    if net.prefixlen == 0:
        return f"'{text}': a /0 prefix is not a subnet"
    if str(net.network_address) != text.split("/")[0]:
        return f"'{text}' has host bits set; the subnet is {net}"
    return None


def mac(text: str) -> str | None:
    return None if normalize_mac(text) else f"'{text}' is not a MAC address (e.g. b8:ca:3a:6a:64:7e)"


_MAC_COLON_RE = re.compile(r"[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}")
_MAC_SPELLING_RE = re.compile(r"[0-9A-Fa-f:.\-]{12,17}")


def netmask_prefix(mask: str | None) -> int | None:
    """A dotted IPv4 netmask (``255.255.255.0``, or a prefix length already) → its prefix length;
    None when empty or not a contiguous netmask."""
    if not mask:
        return None
    try:
        return ipaddress.IPv4Network(f"0.0.0.0/{mask}").prefixlen
    except ValueError:
        return None


def normalize_mac(text: str) -> str | None:
    """Any common MAC spelling → lower-case colon form; None when not a 48-bit MAC.

    The canonical spelling is answered here; every other one goes through netaddr (whose
    import costs a command ~30 ms, so a profile or fleet in the usual form never loads it)."""
    if isinstance(text, str) and _MAC_COLON_RE.fullmatch(text.strip()):
        return text.strip().lower()
    if not isinstance(text, str) or not _MAC_SPELLING_RE.fullmatch(text.strip()):
        return None
    from netaddr import EUI, mac_unix_expanded
    from netaddr.core import AddrFormatError

    try:
        eui = EUI(text.strip(), dialect=mac_unix_expanded)
    except (AddrFormatError, ValueError, TypeError):
        return None
    if eui.version != 48:
        return None
    return str(eui).lower()


def dns_label(text: str, *, max_len: int = 63, what: str = "name") -> str | None:
    if len(text) > max_len:
        return f"'{text}' is {len(text)} characters; a {what} has at most {max_len}"
    if not _LABEL_RE.fullmatch(text):
        return (
            f"'{text}' is not a valid {what}: lower-case letters, digits and '-', "
            "starting and ending with a letter or digit"
        )
    return None


def dns_name(text: str) -> str | None:
    """Kubernetes' IsDNS1123Subdomain (a DNS name: NTP servers, the join URL's host)."""
    if not text:
        return "the name is empty"
    if len(text) > 253:
        return f"the name is {len(text)} characters; at most 253"
    if not _HOSTNAME_CHARS.fullmatch(text):
        return f"'{text}' is not a valid hostname: use lower-case letters, digits, '-' and '.'"
    for part in text.split("."):
        if not part or not _LABEL_RE.fullmatch(part):
            return (f"'{text}' is not a valid hostname: each dot-separated part must start and end with a letter or "
                    "digit")
    return None


def hostname(text: str) -> str | None:
    """A node's hostname: a DNS-1123 subdomain (Harvester's rule) that Linux can set (64)."""
    if not text:
        return "the hostname is empty"
    if len(text) > HOST_NAME_MAX:
        return f"the hostname is {len(text)} characters; Linux allows at most {HOST_NAME_MAX}"
    return dns_name(text)


def ntp_server(text: str) -> str | None:
    if not text or any(c.isspace() for c in text):
        return f"'{text}' is not an NTP server: no spaces allowed"
    if "://" in text:
        return f"'{text}': give a host name or IP, without a scheme"
    if re.fullmatch(r"[0-9.]+", text):
        return ipv4(text)
    return dns_name(text.lower()) and f"'{text}' is neither an IPv4 address nor a host name"


def token(text: str) -> str | None:
    if not text:
        return "the token is empty"
    if not _TOKEN_RE.fullmatch(text):
        return "the token may contain printable ASCII characters only (no tabs, newlines or non-ASCII)"
    return None


def _unsafe_char(text: str) -> bool:
    """Whitespace or a control character: in an iPXE script or on a kernel command line it
    starts a new command or argument."""
    return any(c.isspace() or ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in text)


def url(text: str, *, schemes=("http", "https")) -> str | None:
    from urllib.parse import urlsplit

    if _unsafe_char(text):
        return f"{text!r} is not a URL: it contains whitespace or control characters"
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return f"'{text}' is not a URL"
    if parts.scheme not in schemes or not parts.netloc:
        return f"'{text}' is not a URL ({'/'.join(schemes)}://host/path)"
    return None


def server_url(text: str) -> str | None:
    """Harvester's join URL rules: https, IPv4 or DNS name, port empty or 443, no path."""
    from urllib.parse import urlsplit

    if _unsafe_char(text):
        return f"{text!r} is not a server URL: it contains whitespace or control characters"
    candidate = text if "://" in text else f"https://{text}"
    try:
        parts = urlsplit(candidate)
        port = parts.port
    except ValueError:
        return f"'{text}' is not a server URL (https://<VIP or name>:443)"
    if parts.scheme != "https":
        return f"'{text}': the server URL must use https"
    host = parts.hostname or ""
    if not host or (ipv4(host) and dns_name(host)):
        return f"'{text}': the host must be an IPv4 address or a DNS name"
    if port not in (None, 443):
        return f"'{text}': the port must be 443 (or left out)"
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return f"'{text}': the server URL takes no path"
    return None


def normalize_server_url(text: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(text if "://" in text else f"https://{text}")
    return f"https://{parts.hostname}:443"


def ssh_key(text: str) -> str | None:
    if _SSH_KEY_RE.fullmatch(text) or _GITHUB_KEY_RE.fullmatch(text):
        return None
    return "not an SSH public key ('ssh-ed25519 AAAA… comment') or 'github:<user>'"


def device(text: str) -> str | None:
    if _DEVICE_RE.fullmatch(text):
        return None
    return f"'{text}' is not a device path (e.g. /dev/sda or /dev/disk/by-id/…)"


def bond_option_key(text: str) -> str | None:
    return None if _OPTION_KEY_RE.fullmatch(text) else f"'{text}' is not a bond option name"


def bond_option_value(text: str) -> str | None:
    if _OPTION_VALUE_RE.fullmatch(text):
        return None
    return f"'{text}' is not a plain bond option value (letters, digits and _.,:+- only)"


def ifname(text: str) -> str | None:
    if not text or len(text) > IFNAMSIZ:
        return f"'{text}' is not a Linux interface name (1 to {IFNAMSIZ} characters)"
    if any(c.isspace() or c in "/:" for c in text) or text in (".", ".."):
        return f"'{text}' is not a Linux interface name (no spaces, '/' or ':')"
    return None
