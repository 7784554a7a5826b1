"""Kipinä's HTTP side: the FastAPI app, its guards, the routers and the pages."""
