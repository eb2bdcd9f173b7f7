"""The agreements service."""
