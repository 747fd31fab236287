"""Shipped example profiles (data only; read through importlib.resources)."""
