"""gunicorn for Luân Lưu behind nginx; deploy/systemd/luanluu.service starts it with this file.

Command-line options override these (the HTTPS test binds its own socket).
"""

# nginx connects here (deploy/nginx/luanluu.conf); the socket's group is the unit's (www-data).
bind = "unix:/run/luanluu/gunicorn.sock"
umask = 0o007
# Sync workers: 2-4 per core. Each holds up to 15 PostgreSQL connections (SQLAlchemy's pool).
workers = 4
timeout = 30
graceful_timeout = 20
# Logs to the journal (journalctl -u luanluu).
accesslog = "-"
errorlog = "-"
