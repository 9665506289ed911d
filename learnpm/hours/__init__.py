"""Contact hours: engagement crediting, the hash-chained ledger; the only writer of hours."""
