"""Groeipad's HTTP services (plan, portal) and the `groeipad` command."""
