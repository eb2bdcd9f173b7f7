"""The contact-locator service."""
