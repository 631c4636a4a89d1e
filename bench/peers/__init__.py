"""Peer servers and floors the benchmark compares with (run as scripts or imported)."""
