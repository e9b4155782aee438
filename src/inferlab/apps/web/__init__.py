"""What the web front ends share: the request guard (guard.py) and serving helpers (serving.py)."""
