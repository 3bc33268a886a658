"""Units (departments), users and their roles, special teams, and the audit trail."""
