"""The container's HEALTHCHECK (liveness): exit 0 when the tool answers on its own port, 1 otherwise. It asks
/livez (no I/O: a database outage does not make the container "unhealthy" and restarted), or /healthz on a
version without /livez."""

import os
import sys
import urllib.error
import urllib.request

base = f"http://127.0.0.1:{os.environ.get('PIX_LTI_LISTEN_PORT', '8000')}"


def status(path: str) -> int:
    try:
        with urllib.request.urlopen(base + path, timeout=4) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


live = status("/livez")
sys.exit(0 if live == 200 or (live == 404 and status("/healthz") == 200) else 1)
