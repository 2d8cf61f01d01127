"""The SQLite database holds password hashes and emails: it and its -wal
and -shm are created readable by their owner only (0600), whatever the
umask lets through."""
import os
import stat

from agentdesk_harness import Agentdesk, World, main

BACKENDS = ("sqlite",)


def test_database_files_are_private(backend):
    old = os.umask(0o022)
    try:
        with Agentdesk(backend) as ad:
            World(ad)
            path = ad.db[len("sqlite:"):]
            for suffix in ("", "-wal", "-shm"):
                mode = stat.S_IMODE(os.stat(path + suffix).st_mode)
                assert mode == 0o600, (suffix, oct(mode))
    finally:
        os.umask(old)


if __name__ == "__main__":
    main()
