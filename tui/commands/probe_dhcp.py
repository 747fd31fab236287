"""``harvester-netsetup probe-dhcp IFACE``: who offers DHCP here (DISCOVER only, no lease)."""

from __future__ import annotations

import json

from tui.commands.common import INVALID, OK, say
from tui.commands.host_session import with_host


def run(args) -> int:
    if args.vlan is not None and not 1 <= args.vlan <= 4094:
        say(f"error: --vlan: {args.vlan} is not a VLAN id (1-4094)")
        return INVALID
    return with_host(args, lambda host: _probe(args, host))


def _probe(args, host) -> int:
    try:
        offers = host.probe_dhcp(args.iface, args.vlan, args.timeout)
    except LookupError as exc:
        say(f"error: {exc}")
        return INVALID
    if args.json:
        print(json.dumps({"interface": args.iface, "vlan": args.vlan, "offers": [o.as_dict() for o in offers]},
                         indent=1))
    else:
        where = args.iface + (f" VLAN {args.vlan}" if args.vlan else "")
        if not offers:
            print(f"no DHCP offer on {where} within {args.timeout:g} s")
        for o in offers:
            print(f"{o.server}: offers {o.ip}/{o.prefix} router {o.router or '-'} dns {','.join(o.dns) or '-'} lease "
                  f"{o.lease_time or '-'} s")
    return OK if offers else INVALID
