"""The registry-bridge service."""
