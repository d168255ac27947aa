"""Tests of the Home-Assistant-free library."""
