"""Route modules of the gateway, one per area of the API."""
