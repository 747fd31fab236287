"""Pure readers of what already exists: Harvester configs and kernel command lines."""
