"""One entry point for rendering a node: load → validate → resolve → the chosen format.

Used alike by ``render``, the wizard's review screen and the unattended runner, so the
three faces cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.model import problems as P
from tui.model.inventory import Inventory
from tui.model.load import Loaded
from tui.model.selectors import resolve
from tui.model.validate import validate
from tui.render.harvester_config import render_config
from tui.render.yaml_out import dump

FORMATS = ("harvester", "nm-keyfiles", "cmdline")
CONFIG_NAME = "harvester-config.yaml"


@dataclass
class Rendered:
    files: dict[str, str] = field(default_factory=dict)  # name -> content
    problems: list[P.Problem] = field(default_factory=list)
    config: dict | None = None

    @property
    def ok(self) -> bool:
        return not P.has_errors(self.problems)


def render_node(loaded: Loaded, inventory: Inventory | None, fmt: str = "harvester",
                config_url: str | None = None) -> Rendered:
    out = Rendered(problems=validate(loaded, inventory))
    if not out.ok:
        return out
    profile = loaded.profile
    res = resolve(profile, inventory)
    config = render_config(profile, res.management, res.vlan)
    out.config = config
    if fmt == "harvester":
        out.files[CONFIG_NAME] = dump(config)
    elif fmt == "nm-keyfiles":
        from tui.render.nm_keyfiles import render_keyfiles

        if profile.management is None:
            out.problems.append(P.error("management", "NetworkManager keyfiles describe the management network; "
                                                      "the profile has none"))
        elif profile.release.legacy:
            out.problems.append(P.error("harvester",
                                        "Harvester v1.0 does not use NetworkManager; keyfiles exist from v1.7"))
        elif any(n.name is None for n in res.management):
            out.problems.append(P.error("management.interfaces",
                                        "keyfiles name each bond member: a MAC selector needs the node's inventory "
                                        "(--inventory FILE) to find the name"))
        else:
            if not profile.release.network_manager:
                out.problems.append(P.warning("harvester",
                                              f"{profile.release.name} uses wicked; NetworkManager keyfiles apply "
                                              "from v1.7 on"))
            out.files.update(render_keyfiles(profile, res.management))
    elif fmt == "cmdline":
        from tui.render.kernel_args import render_cmdline

        line, problems = render_cmdline(profile, res.management, config, config_url=config_url)
        out.problems += problems
        out.files["cmdline"] = line + "\n"
    else:
        out.problems.append(P.error("", f"unknown format {fmt}; use one of {', '.join(FORMATS)}"))
    if not out.ok:
        out.files.clear()
    return out
