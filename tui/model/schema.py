"""The profile contract as JSON Schema (``harvester-netsetup schema``).

Built from the same key tables the loader uses (``SECTION_KEYS``); a test keeps the two in
step and checks every shipped profile against it.
"""

from __future__ import annotations

from tui.model.bond import BOND_MODES
from tui.model.load import INSTALL_MODES, ROLES, VIP_MODES
from tui.model.profile import SECTION_KEYS, VLAN_SCOPES

_STR = {"type": "string"}
_IPV4 = {"type": "string", "format": "ipv4"}
_MAC = {"type": "string", "pattern": "^[0-9A-Fa-f]{2}([:-]?[0-9A-Fa-f]{2}){5}$"}
_MTU = {"type": "integer", "anyOf": [{"const": 0}, {"minimum": 576, "maximum": 9000}], "description": "0 = default, else 576–9000"}


def _obj(section: str, props: dict, required: tuple[str, ...] = (), **extra) -> dict:
    assert tuple(props) == SECTION_KEYS[section], f"schema for {section} out of step with the model"
    out = {"type": "object", "additionalProperties": False, "properties": props}
    if required:
        out["required"] = list(required)
    out.update(extra)
    return out


def _selector() -> dict:
    return {
        "description": "Picks exactly one physical NIC.",
        "oneOf": [
            {"type": "object", "additionalProperties": False, "required": ["name"], "properties": {"name": {"type": "string", "maxLength": 15}, "mac": _MAC}},
            {"type": "object", "additionalProperties": False, "required": ["mac"], "properties": {"mac": _MAC}},
            {
                "type": "object", "additionalProperties": False, "required": ["match"],
                "properties": {"match": _obj("match", {
                    "driver": _STR, "min_speed": {"type": "integer", "minimum": 1, "description": "Mb/s"},
                    "pci": {"type": "string", "description": "glob on the PCI address"},
                    "vendor": {"type": "string", "description": "glob"}, "name": {"type": "string", "description": "glob"},
                })},
            },
        ],
    }


def _bond() -> dict:
    return _obj("bond", {
        "mode": {"enum": list(BOND_MODES)},
        "miimon": {"type": "integer", "minimum": 0, "default": 100},
        "options": {"type": "object", "additionalProperties": {"type": ["string", "integer"]}},
    })


def profile_schema() -> dict:
    sel_list = {"type": "array", "minItems": 1, "items": _selector()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://harvester-netsetup/profile-v1.json",
        "title": "harvester-netsetup profile, version 1",
        **_obj("profile", {
            "version": {"const": 1},
            "harvester": {"type": "string", "pattern": "^v?1\\.[0-9](\\.[0-9]{1,3})?$", "description": "target release v1.0 … v1.9"},
            "node": _obj("node", {
                "hostname": _STR,
                "dns": {"type": "array", "items": _IPV4},
                "ntp": {"type": "array", "items": {"type": "string", "pattern": "^\\S+$"}},
            }),
            "management": _obj("management", {
                "interfaces": sel_list,
                "bond": _bond(),
                "vlan_id": {"type": "integer", "minimum": 0, "maximum": 4094},
                "mtu": _MTU,
                "ipv4": _obj("ipv4", {"method": {"enum": ["dhcp", "static"]}, "address": _STR, "gateway": _IPV4}),
            }),
            "vlan": _obj("vlan", {
                "cluster_network": {"type": "string", "maxLength": 12},
                "interfaces": sel_list,
                "bond": _bond(),
                "mtu": _MTU,
                "scope": {"enum": list(VLAN_SCOPES), "default": "node",
                          "description": "node: this node's NICs; "
                                         "cluster: resolved on every node from the cluster's view"},
            }),
            "networks": {"type": "array", "items": _obj("network", {
                "name": {"type": "string", "maxLength": 63},
                "namespace": _STR,
                "cluster_network": _STR,
                "vlan_id": {"type": "integer", "minimum": 1, "maximum": 4094},
                "route": _obj("route", {"mode": {"enum": ["auto", "manual"]}, "dhcp_server": _IPV4, "cidr": _STR, "gateway": _IPV4}),
            }, required=("name",))},
            "install": _obj("install", {
                "mode": {"enum": list(INSTALL_MODES)},
                "server_url": _STR,
                "token": {"type": "string", "pattern": "^[\\x20-\\x7e]+$"},
                "vip": _IPV4,
                "vip_mode": {"enum": list(VIP_MODES)},
                "vip_hw_addr": _MAC,
                "role": {"enum": list(ROLES)},
                "device": _STR,
                "iso_url": _STR,
                "password": _STR,
                "ssh_authorized_keys": {"type": "array", "items": _STR},
                "skipchecks": {"type": "boolean"},
                "extra": {"type": "object"},
            }, required=("mode",)),
            "cluster": _obj("cluster", {
                "kubeconfig": _STR,
                "settings": {"type": "object", "additionalProperties": {"type": ["string", "object", "array"]}},
            }),
        }, required=("version",)),
    }
