"""The pure core: profile, validation, selector resolution, plans.

No textual, pyroute2, kubernetes, filesystem or clock in this package; a test enforces it.
"""
