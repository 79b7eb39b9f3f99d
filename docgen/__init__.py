"""Documents: the GB/T 9704-2012 page (official.py) and one module per document."""
