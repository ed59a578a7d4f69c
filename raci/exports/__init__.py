"""Exports people present: PDF (the matrix, person cards) and slides, in the browser and the API,
large ones as background jobs with progress. Pure planning lives in ``raci.exchange.presentation``."""
