"""Blueprints of the portal, one module per role."""
