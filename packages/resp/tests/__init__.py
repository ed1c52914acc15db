"""Tests of keywire-resp (a package so test modules can share resp_values)."""
