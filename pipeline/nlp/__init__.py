"""Swedish text processing and themes (after the store, before the interfaces)."""
