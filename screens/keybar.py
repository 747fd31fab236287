"""The footer: the wizard's keys, one line at the bottom of every step; a click on a key
does what the key does (the mouse is optional, never needed).

Textual's Footer rebuilds its key widgets on every focus change, which cost the first screen
~150 ms on a slow console; the wizard's keys are the same on every step, so one line of text
does. The keys come from the app's BINDINGS, so they cannot drift from what works."""

from __future__ import annotations

from textual.widgets import Static


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom; height: 1; width: 1fr;
        background: $footer-background; color: $footer-description-foreground;
    }
    """

    def __init__(self, app) -> None:
        # Built here, not on mount, so the very first frame shows the keys.
        super().__init__("".join(
            f"[@click=app.{b.action}][bold reverse] {app.get_key_display(b)} [/bold reverse]{b.description}[/]  "
            for b in app.BINDINGS if b.show))
