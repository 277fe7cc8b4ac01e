"""The `nullcheck` command groups, one module each, over the helpers they share (`shared`, `views`)."""
