"""The real Harvester CRDs (tui/kube/crds/, copied unchanged from the upstream sources listed
in tui/kube/crds/README.md) as the simulated API server uses them: served versions, the
structural schema as JSON Schema, and the defaults an API server applies."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from importlib import resources

import yaml


@dataclass
class Crd:
    group: str
    version: str
    plural: str
    kind: str
    namespaced: bool
    schema: dict
    status_subresource: bool
    validator: object = None  # compiled on first use


def load_crds(dialect: str = "v1.1+") -> list[Crd]:
    root = resources.files("tui.kube") / "crds"
    files = [f for f in root.iterdir() if f.name.endswith(".yaml")]
    if dialect == "v1.0":
        legacy = [f for f in (root / "v1.0").iterdir() if f.name.endswith(".yaml")]
        files = [f for f in files if "network.harvesterhci.io_" not in f.name] + legacy
    out = []
    for f in sorted(files, key=lambda f: f.name):
        doc = yaml.safe_load(f.read_text())
        spec = doc["spec"]
        for v in spec["versions"]:
            if v.get("served", True):
                out.append(Crd(spec["group"], v["name"], spec["names"]["plural"], spec["names"]["kind"],
                               spec["scope"] == "Namespaced", v.get("schema", {}).get("openAPIV3Schema", {}),
                               "status" in (v.get("subresources") or {})))
    return out



def apply_defaults(schema: dict, obj):
    if not isinstance(obj, dict) or schema.get("type") != "object":
        return
    for key, sub in (schema.get("properties") or {}).items():
        if key not in obj and "default" in sub:
            obj[key] = copy.deepcopy(sub["default"])
        if key in obj:
            if sub.get("type") == "object":
                apply_defaults(sub, obj[key])
            elif sub.get("type") == "array" and isinstance(obj[key], list):
                for item in obj[key]:
                    apply_defaults(sub.get("items") or {}, item)


def to_jsonschema(schema):
    """The CRD's structural schema as JSON Schema: drop the x-kubernetes-* and nullable keys."""
    if isinstance(schema, dict):
        out = {k: to_jsonschema(v) for k,
               v in schema.items() if not k.startswith("x-kubernetes") and k not in ("nullable", "format")}
        if schema.get("nullable") and "type" in out:
            out["type"] = [out["type"], "null"]
        if schema.get("x-kubernetes-int-or-string"):
            out.pop("type", None)
        return out
    if isinstance(schema, list):
        return [to_jsonschema(v) for v in schema]
    return schema




def prune(schema: dict, obj, root: bool = True) -> None:
    """Drop the fields the structural schema does not declare, as the API server does (kept:
    ``x-kubernetes-preserve-unknown-fields``, ``additionalProperties`` maps, and at the root
    apiVersion, kind and metadata)."""
    if isinstance(obj, list):
        for item in obj:
            prune(schema.get("items") or {}, item, root=False)
        return
    if not isinstance(obj, dict) or schema.get("x-kubernetes-preserve-unknown-fields"):
        return
    props = schema.get("properties")
    extra = schema.get("additionalProperties")
    for key in list(obj):
        if root and key in ("apiVersion", "kind", "metadata"):
            continue
        if props is not None and key in props:
            prune(props[key], obj[key], root=False)
        elif isinstance(extra, dict):
            prune(extra, obj[key], root=False)
        elif props is not None or extra is False or schema.get("type") == "object":
            del obj[key]
