"""Contact-hour certificates: eligibility, issuance, PDF, verification, revocation."""
