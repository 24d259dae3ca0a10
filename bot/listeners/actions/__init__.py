"""Button clicks (block_actions), one module per feature."""
