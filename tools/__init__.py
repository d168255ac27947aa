"""Test doubles and simulators (never shipped inside custom_components)."""
