"""Modal submissions (view_submission), one module per feature."""
