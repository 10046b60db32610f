"""A throwaway primary and synchronous streaming standby, and the operator's failover steps run on them.

Both servers include ``deploy/postgresql-replication.conf``; what differs between them is set the way
README *Reliability* tells the operator to: ``cluster_name`` per server, ``synchronous_standby_names``
on the primary with ``ALTER SYSTEM``, the standby made with ``pg_basebackup -R``, a failed primary
replaced with ``pg_ctl promote`` and brought back as the new standby with ``pg_rewind -R``.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from tests.faults.support import ROOT, PgCluster, free_port

SETTINGS = ROOT / "deploy" / "postgresql-replication.conf"


class ReplicatedPair:
    """Two PostgreSQL servers on 127.0.0.1: ``first`` starts as the primary, ``second`` as its standby."""

    def __init__(self, pg_bin: Path, database: str) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="luanluu-failover-"))
        shutil.chown(self.root, "postgres")
        self.database = database
        self.first, self.second = (
            PgCluster(
                pg_bin, self.root / name, free_port(), settings={"cluster_name": name}, sockets=self.root
            )
            for name in ("pg1", "pg2")
        )
        self.primary, self.standby = self.first, self.second

    def url(self) -> str:
        """Return DATABASE_URL as the operator writes it: libpq's multi-host form, writes to the primary."""
        hosts = f"127.0.0.1:{self.first.port},127.0.0.1:{self.second.port}"
        return (
            f"postgresql://postgres@{hosts}/{self.database}?target_session_attrs=read-write&connect_timeout=3"
        )

    def start(self) -> None:
        """Create the primary, the app's database and the standby; wait until it is synchronous."""
        first = self.first
        first.initdb()
        with (first.data / "postgresql.conf").open("a") as conf:
            # max_connections as on the command line: pg_rewind's recovery run reads only this file,
            # and a standby refuses to replay from a primary that allows more connections than it.
            conf.write(f"\ninclude = '{SETTINGS}'\nmax_connections = 60\n")
        first.start()
        first.sql(f'CREATE DATABASE "{self.database}"')
        self.make_synchronous(first, standby_name="pg2")
        first._as_postgres(
            str(first.bin / "pg_basebackup"),
            *("-h", "127.0.0.1", "-p", str(first.port), "-U", "postgres"),
            *("-D", str(self.second.data), "-R", "-X", "stream", "-c", "fast", "--no-sync"),
        )
        self.second.start()
        self.wait_synchronous(first, standby_name="pg2")

    @staticmethod
    def make_synchronous(primary: PgCluster, *, standby_name: str) -> None:
        """Make every COMMIT on *primary* wait until the standby called *standby_name* has it on disk."""
        primary.sql(f"ALTER SYSTEM SET synchronous_standby_names = '{standby_name}'")
        primary.sql("SELECT pg_reload_conf()")

    @staticmethod
    def wait_synchronous(primary: PgCluster, *, standby_name: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            rows = primary.sql("SELECT application_name, sync_state FROM pg_stat_replication")
            if (standby_name, "sync") in rows:
                return
            time.sleep(0.1)
        raise RuntimeError(f"{standby_name} is not a synchronous standby after {seconds} s: {rows}")

    def promote(self) -> None:
        """The operator's failover: promote the standby, which then runs alone (no standby to wait for)."""
        standby = self.standby
        standby._as_postgres(str(standby.bin / "pg_ctl"), "-D", str(standby.data), "-w", "promote")
        standby.sql("ALTER SYSTEM SET synchronous_standby_names = ''")
        standby.sql("SELECT pg_reload_conf()")
        self.primary, self.standby = standby, self.primary

    def rejoin(self) -> None:
        """Bring the failed server back as the new primary's synchronous standby (pg_rewind -R)."""
        old, new = self.standby, self.primary
        source = f"host=127.0.0.1 port={new.port} user=postgres dbname=postgres"
        # Until the promotion's checkpoint ends, the new primary's control file still names the old
        # timeline, and pg_rewind would answer "no rewind required" and leave a standby that cannot follow.
        new.sql("CHECKPOINT")
        old._as_postgres(
            str(old.bin / "pg_rewind"), "-D", str(old.data), "--source-server", source, "-R", timeout=120
        )
        old.start()
        self.make_synchronous(new, standby_name=old.settings["cluster_name"])
        self.wait_synchronous(new, standby_name=old.settings["cluster_name"])

    def remove(self) -> None:
        """Stop whichever server still runs and delete both."""
        for cluster in (self.first, self.second):
            if (cluster.data / "postmaster.pid").exists():
                try:
                    cluster.stop("immediate")
                except Exception:  # noqa: BLE001 - already gone (killed): nothing left to stop
                    pass
        shutil.rmtree(self.root, ignore_errors=True)
