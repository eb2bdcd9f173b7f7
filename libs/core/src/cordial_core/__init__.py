"""Cordial."""
