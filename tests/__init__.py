"""Tests for the Viewtron LPR integration."""
