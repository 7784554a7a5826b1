"""How a record is shown: labels, views with names resolved, charts and timelines, and their drawing."""
