"""The matrix API: matrices, tasks, the grid (conflict-checked batch edits), assignments, export and
import, save as framework."""
