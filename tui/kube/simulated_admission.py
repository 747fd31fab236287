"""Admission in the simulated API server (tui/kube/simulated_api.py): object names checked as
the API server does (DNS-1123 subdomain), the real CRD schemas (unknown fields pruned,
defaults applied, validated with jsonschema), a rejection a test asked for, then Harvester's
network controller webhooks when the prebuilt oracle ``webhooks`` is at hand (``$HNS_ORACLES``
or ``../shared/oracles/bin`` beside the checkout): its mutators, then its validators. Demo and
tests only: production code never imports it."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess

from tui.kube.crd_schemas import Crd, apply_defaults, prune, to_jsonschema

CHECKOUT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WIRED = {"ClusterNetwork", "VlanConfig", "NetworkAttachmentDefinition", "HostNetworkConfig"}  # kinds with webhooks
CACHED = WIRED | {"VlanStatus"}  # what the webhooks' caches read
VOLATILE = ("resourceVersion", "uid", "creationTimestamp", "generation", "managedFields")
SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
                 "must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation "
                 "is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")


def find_webhooks() -> str | None:
    """The webhooks oracle: in ``$HNS_ORACLES`` when set, else ``../shared/oracles/bin``."""
    env = os.environ.get("HNS_ORACLES")
    base = env if env else os.path.join(os.path.dirname(CHECKOUT), "shared", "oracles", "bin")
    path = os.path.join(base, "webhooks")
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


def name_problem(name: str) -> str | None:
    """What the API server says of an object name (``IsDNS1123Subdomain``), or None."""
    if len(name) > 253:
        return "must be no more than 253 characters"
    return None if SUBDOMAIN.match(name) else SUBDOMAIN_MSG


def merge_patch_between(old, new):
    """The RFC 7386 merge-patch that turns ``old`` into ``new``."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return new
    out = {k: None for k in old if k not in new}
    for k, v in new.items():
        if k not in old:
            out[k] = v
        elif old[k] != v:
            out[k] = merge_patch_between(old[k], v)
    return out


def _bare(obj: dict) -> dict:
    out = copy.deepcopy(obj)
    meta = out.get("metadata") or {}
    for k in VOLATILE:
        meta.pop(k, None)
    return out


class ApiError(Exception):
    def __init__(self, code: int, reason: str, message: str, causes: list | None = None):
        super().__init__(message)
        self.code, self.reason, self.message, self.causes = code, reason, message, causes or []

    def body(self, kind: str = "", name: str = "") -> dict:
        details = {"name": name, "kind": kind}
        if self.causes:
            details["causes"] = self.causes
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": self.message,
                "reason": self.reason, "details": details, "code": self.code}


def admit(crd: Crd, name: str | None, ns: str | None, obj: dict, current: dict | None,
           *, rejections: dict, webhooks: str | None, objects: dict, nodes: dict) -> dict:
    """The object as it would be stored, or an ApiError: the name, the structural schema
    (pruning, defaults, validation), a rejection the test asked for (``rejections``), then
    the network controller's ``webhooks`` over the cluster's ``objects`` and ``nodes``."""
    import jsonschema

    if not name:
        raise ApiError(422, "Invalid", f"{crd.kind} is invalid: metadata.name: Required value: name is required",
                       [{"field": "metadata.name", "message": "Required value"}])
    msg = name_problem(name)
    if msg:
        raise ApiError(422, "Invalid", f'{crd.kind}.{crd.group} "{name}" is invalid: metadata.name: Invalid value: '
                                       f'"{name}": {msg}', [{"field": "metadata.name", "message": msg,
                                                             "reason": "FieldValueInvalid"}])
    if crd.namespaced:
        obj["metadata"]["namespace"] = ns
    prune(crd.schema, obj)
    apply_defaults(crd.schema, obj)
    if crd.validator is None:
        crd.validator = jsonschema.Draft202012Validator(to_jsonschema(crd.schema))
    errors = sorted(crd.validator.iter_errors(obj), key=lambda e: list(e.absolute_path))
    if errors:
        causes = [{"field": ".".join(str(p) for p in e.absolute_path) or "<root>", "message": e.message,
                   "reason": "FieldValueInvalid"} for e in errors]
        text = ", ".join(f"{c['field']}: Invalid value: {c['message']}" for c in causes)
        raise ApiError(422, "Invalid", f'{crd.kind}.{crd.group} "{name}" is invalid: {text}', causes)
    rule = rejections.get((crd.plural, name))
    if rule:
        code, message, field_path = rule
        raise ApiError(code, "BadRequest" if code == 400 else "Invalid",
                       f'admission webhook "validator.harvesterhci.io" denied the request: {message}',
                       [{"field": field_path, "message": message}] if field_path else [])
    if webhooks and crd.kind in WIRED:
        obj = _webhooks(webhooks, crd, obj, current, objects, nodes)
    return obj

def _webhooks(webhooks: str, crd: Crd, obj: dict, current: dict | None, objects: dict, nodes: dict) -> dict:
    """One write through the oracle: the cluster's objects as its caches, ``obj`` as a
    CREATE or (over ``current``) an UPDATE; the mutated object back, or the refusal."""
    meta = obj["metadata"]
    key = (crd.kind, meta.get("namespace"), meta["name"])
    existing = [_bare(o) for o in objects.values() if o.get("kind") in CACHED
                and (o.get("kind"), o["metadata"].get("namespace"), o["metadata"]["name"]) != key]
    body = _bare(obj)
    if current is not None:
        existing.append(_bare(current))
        body = merge_patch_between(_bare(current), body)
        body.update(apiVersion=obj["apiVersion"], kind=obj["kind"])
        body.setdefault("metadata", {}).update({k: meta[k] for k in ("name", "namespace") if k in meta})
    labelled = [{"name": n, "labels": {"network.harvesterhci.io/mgmt": "true"}} for n in nodes]
    request = {"agent": False, "nodes": labelled, "existing": existing, "objects": [body]}
    proc = subprocess.run([webhooks, "-"], input=json.dumps(request), capture_output=True, text=True,
                          timeout=60)
    try:
        result = json.loads(proc.stdout)[0]
    except (ValueError, IndexError):
        raise ApiError(500, "InternalError",
                       f"the simulated webhooks failed (exit {proc.returncode}): {proc.stderr[-500:]}") from None
    if not result.get("allowed"):
        message = result.get("message") or "denied"
        hook = "mutator.harvesterhci.io" if result.get("stage") == "mutator" else "validator.harvesterhci.io"
        internal = message.startswith("Internal error")
        raise ApiError(500 if internal else 400, "InternalError" if internal else "BadRequest",
                       f'admission webhook "{hook}" denied the request: {message}')
    stored = result.get("object") or obj
    stored.setdefault("metadata", {}).update({k: meta[k] for k in VOLATILE if k in meta})
    return stored
