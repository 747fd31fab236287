"""The cluster side: everything that talks to a Harvester cluster's Kubernetes API.

`Cluster` (cluster.py) wraps the kubernetes client; plan/apply/wait live in apply.py;
simulated_api.py is the loopback API server the demo and the tests talk to."""
