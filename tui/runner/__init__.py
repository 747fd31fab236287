"""The unattended runner: fetch a profile, apply it, report (file and webhook)."""
