"""What the host side refuses, as exceptions the commands turn into ``error: ...`` lines."""


class HostUnsupported(Exception):
    """This host has state the tool cannot checkpoint and restore (a multipath route): an
    apply is refused before anything changes."""
