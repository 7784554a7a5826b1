"""Drawing charts and timelines as SVG, and SVG as PNG."""
