"""Issued documents: the minutes PDF, the archive and exports."""
