"""The JSON API under /api/v1 (thin: it calls the features' services)."""
