"""Old name of tui/model/netstate.py, kept until tui/net imports the new one (issue 14 item 6): remove then."""
from tui.model.netstate import *  # noqa: F401,F403
