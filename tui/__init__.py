"""harvester-netsetup: Harvester node and cluster networking.

Nothing is imported here on purpose: importing ``tui`` must stay cheap so that the
wizard's first screen and ``validate`` start fast (see tests/test_import_hygiene.py).
"""

__version__ = "0.1.0"
