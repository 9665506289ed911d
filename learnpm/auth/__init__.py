"""Users, roles, log-in and registration."""
