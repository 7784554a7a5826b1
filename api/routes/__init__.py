"""One router per collection; each handler parses, calls the application, maps the result."""
