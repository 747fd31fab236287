"""Harvester Settings: which may be set at install (``system_settings``) per release."""

from __future__ import annotations

import json

_ALLOW_V1_0 = (
    "additional-ca", "api-ui-version", "cluster-registration-url", "server-version", "ui-index",
    "ui-path", "ui-source", "volume-snapshot-class", "backup-target", "upgradable-versions",
    "upgrade-checker-enabled", "upgrade-checker-url", "release-download-url", "log-level",
    "ssl-certificates", "ssl-parameters", "support-bundle-image", "support-bundle-namespaces",
    "support-bundle-timeout", "default-storage-class", "http-proxy", "vm-force-reset-policy",
    "overcommit-config", "vip-pools", "auto-disk-provision-paths",
)
_ALLOW_HEAD = _ALLOW_V1_0 + (
    "ui-plugin-index", "support-bundle-expiration", "support-bundle-node-collection-timeout",
    "csi-driver-config", "containerd-registry", "storage-network",
    "default-vm-termination-grace-period-seconds", "auto-rotate-rke2-certs",
    "kubeconfig-default-token-ttl-minutes", "harvester-csi-ccm-versions", "ntp-servers",
    "additional-guest-memory-overhead-ratio", "csi-online-expand-validation",
    "ui-plugin-bundled-version", "upgrade-config", "longhorn-v2-data-engine-enabled",
    "max-hotplug-ratio", "vm-migration-network", "rancher-cluster", "kubevirt-migration",
    "cluster-pod-security-standard",
)

# Settings that only make sense once the cluster runs (not allowed at install).
CLUSTER_ONLY = ("rwx-network",)

JSON_SETTINGS = frozenset(
    {
        "containerd-registry", "storage-network", "vm-migration-network", "rwx-network",
        "ntp-servers", "http-proxy", "overcommit-config", "ssl-parameters", "csi-driver-config",
        "cluster-registration-url", "upgrade-config", "kubevirt-migration",
    }
)


def install_allow_list(legacy: bool) -> frozenset[str]:
    return frozenset(_ALLOW_V1_0 if legacy else _ALLOW_HEAD)


def known(name: str) -> bool:
    return name in _ALLOW_HEAD or name in CLUSTER_ONLY


def json_problem(name: str, value: str) -> str | None:
    """A JSON-valued setting must hold valid JSON (Harvester rejects it otherwise)."""
    if name not in JSON_SETTINGS or value == "":
        return None
    try:
        json.loads(value)
    except ValueError as exc:
        return f"the value of {name} must be JSON: {exc.msg} at character {exc.pos}"
    return None
