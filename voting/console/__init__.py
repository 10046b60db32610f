"""The pages that show a whole conference: the representative's page, the console, turnout, the audit log."""
