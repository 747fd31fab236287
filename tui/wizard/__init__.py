"""The wizard's logic without a UI: the draft profile the screens edit, the steps and their
fields. Pure (no textual, no netlink): the screens in ``screens/`` only display it."""
