from vmlab import clean, lab  # noqa: F401  (fixtures)
