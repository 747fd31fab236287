"""Profile → plain data (the YAML a profile is saved as), defaults left out, keys in order.

A saved profile never holds the password in clear: ``install.password`` is written as its
``$6$`` hash (which replays: a hash given in a profile passes through to the config)."""

from __future__ import annotations

from tui.model.profile import Bond, MacSelector, MatchSelector, NameSelector, Profile, thaw


def selector(sel) -> dict:
    if isinstance(sel, NameSelector):
        return {"name": sel.name, **({"mac": sel.mac} if sel.mac else {})}
    if isinstance(sel, MacSelector):
        return {"mac": sel.mac}
    assert isinstance(sel, MatchSelector)
    return {"match": {k: v for k, v in vars(sel.match).items() if v is not None}}


def bond(b: Bond) -> dict:
    out = {"mode": b.mode, "miimon": b.miimon}
    if b.options:
        out["options"] = dict(b.options)
    return out


def dump_profile(p: Profile, clear_password: bool = False) -> dict:
    """``clear_password``: keep a clear password as it is (an in-memory draft, never a file)."""
    out: dict = {"version": 1, "harvester": p.harvester}
    node = {k: v for k, v in (("hostname", p.node.hostname), ("dns", list(p.node.dns)), ("ntp", list(p.node.ntp))) if v}
    if node:
        out["node"] = node
    if p.management:
        mg = p.management
        m = {"interfaces": [selector(s) for s in mg.interfaces], "bond": bond(mg.bond)}
        if mg.vlan_id:
            m["vlan_id"] = mg.vlan_id
        if mg.mtu:
            m["mtu"] = mg.mtu
        ip = {"method": mg.ipv4.method}
        ip.update({k: getattr(mg.ipv4, k) for k in ("address", "gateway") if getattr(mg.ipv4, k)})
        m["ipv4"] = ip
        out["management"] = m
    if p.vlan:
        v = {"cluster_network": p.vlan.cluster_network, "interfaces": [selector(s) for s in p.vlan.interfaces], "bond": bond(p.vlan.bond)}
        if p.vlan.mtu:
            v["mtu"] = p.vlan.mtu
        if p.vlan.cluster_scope:
            v["scope"] = "cluster"
        out["vlan"] = v
    if p.networks:
        nets = []
        for n in p.networks:
            d = {"name": n.name, "namespace": n.namespace}
            if n.cluster_network:
                d["cluster_network"] = n.cluster_network
            if n.vlan_id is not None:
                d["vlan_id"] = n.vlan_id
            if n.route:
                d["route"] = {k: v for k, v in vars(n.route).items() if v is not None}
            nets.append(d)
        out["networks"] = nets
    if p.install:
        ins = {}
        for key, value in vars(p.install).items():
            if key == "extra":
                value = thaw(value) if value else None
            elif key == "ssh_authorized_keys":
                value = list(value) or None
            elif key == "password" and value and not clear_password:
                from tui.render.password import hash_password

                value = hash_password(value)
            if value is not None:
                ins[key] = value
        out["install"] = ins
    if p.cluster:
        c = {}
        if p.cluster.kubeconfig:
            c["kubeconfig"] = p.cluster.kubeconfig
        if p.cluster.settings:
            c["settings"] = dict(p.cluster.settings)
        out["cluster"] = c
    return out
