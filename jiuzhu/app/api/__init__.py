"""JSON API (django-ninja) with OpenAPI at /api/docs; session auth, scoped exactly like the pages."""
