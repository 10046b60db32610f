"""Administration screens: clusters, units, accounts, conferences, CSV import."""
