"""``harvester-netsetup inventory``: this host's NICs (the JSON that --inventory accepts)."""

from __future__ import annotations

import json


def run(args) -> int:
    from tui.net import open_host

    host = open_host(simulated=bool(args.demo))  # reading needs no root
    try:
        inv = host.inventory(include_virtual=args.all)
    finally:
        host.close()
    if args.json:
        data = inv.as_dict()
        # one NIC per line: readable, diffable, and the C encoder (indent= is pure Python)
        nics = ",\n  ".join(json.dumps(n) for n in data.pop("nics"))
        print(json.dumps(data)[:-1] + (f', "nics": [\n  {nics}\n]}}' if nics else ', "nics": []}'))
        return 0
    print(f"{'NIC':<16} {'MAC':<17} {'LINK':<6} {'SPEED':>7} {'MTU':>5} {'DRIVER':<10} {'IPv4':<18} NOTES")
    for n in inv.nics:
        speed = f"{n.speed // 1000}G" if n.speed and n.speed >= 1000 else (f"{n.speed}M" if n.speed else "-")
        link = "up" if n.carrier else ("down" if n.carrier is False else n.operstate)
        notes = [x for x, on in (("your SSH session", n.ssh_session), ("default route", n.default_route),
                                 (f"in {n.master}", bool(n.master)), (n.kind or "", not n.physical)) if on]
        print(f"{n.name:<16} {n.hw_addr or '-':<17} {link:<6} {speed:>7} {n.mtu or '-':>5} {n.driver or '-':<10} "
              f"{','.join(n.ipv4) or '-':<18} {'; '.join(notes)}".rstrip())
    return 0

