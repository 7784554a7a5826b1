"""Kipinä's HTTP side: the FastAPI app, its settings and the composition root."""
