"""Case pages: small function views, each with its access check."""
