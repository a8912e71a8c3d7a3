"""The Admin screen's sections, one module per resource kind."""
