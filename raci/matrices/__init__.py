"""Matrices: the matrix, its role columns, tasks and cells; the one loader (``selectors``), the one
writer (``changes``) and the services built on it; the editor pages and the matrix API."""
