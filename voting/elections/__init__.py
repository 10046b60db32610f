"""Elections feature."""
