"""Administration: users and roles (settings and revocation join later)."""
