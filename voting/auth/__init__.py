"""Auth feature."""
