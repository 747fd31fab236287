"""Old name of tui/kube/writes.py, kept until tui/wizard/session.py imports the new one (issue 14
item 6): remove then."""
from tui.kube.writes import *  # noqa: F401,F403
