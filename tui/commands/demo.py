"""The demo's stand-ins, shared by ``wizard --demo`` and ``run --demo``: a run directory away
from the real /run and the simulated three-node cluster (the real client against a fake API server)."""

from __future__ import annotations

import os
import tempfile


def demo_run_dir() -> str:
    """The simulated node keeps its journal and kubeconfig away from the real /run: in the run
    dir the caller chose, else in a temporary one removed when the process exits."""
    if "HARVESTER_NETSETUP_RUN_DIR" not in os.environ:
        import atexit
        import shutil

        made = tempfile.mkdtemp(prefix="hns-demo-run-")
        atexit.register(shutil.rmtree, made, ignore_errors=True)
        os.environ["HARVESTER_NETSETUP_RUN_DIR"] = made
    return os.environ["HARVESTER_NETSETUP_RUN_DIR"]


def simulated_cluster():
    """The demo's three-node cluster: the simulated API server, reached by the real client."""
    from tui.files import atomic_write
    from tui.kube.cluster import Cluster
    from tui.kube.simulated_api import SimulatedApi
    from tui.model.releases import DEFAULT_RELEASE

    api = SimulatedApi(version=f"{DEFAULT_RELEASE}.0").start()
    path = os.path.join(demo_run_dir(), "demo-kubeconfig")
    atomic_write(path, api.kubeconfig())
    return Cluster.connect(path)
