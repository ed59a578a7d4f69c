"""The matrix pages, one module per page family: home, editor, files, adopt, history."""
