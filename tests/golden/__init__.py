"""The golden-output test's helpers: start Kipinä with the demo data, collect what it
shows (OpenAPI, pages, exports) over HTTP, and make it comparable between runs."""
