"""The Textual wizard's screens. Thin: they show data and send intents; they never import
netlink or cluster code (tests/test_import_hygiene.py guards it)."""
