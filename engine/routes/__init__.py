"""HTTP routes, one module per resource, mounted under /v1."""
