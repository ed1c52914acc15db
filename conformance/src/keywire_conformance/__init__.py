"""keywire conformance."""
