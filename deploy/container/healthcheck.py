"""The container's HEALTHCHECK: exit 0 when the tool answers /healthz with 200 on its own port, 1 otherwise."""

import os
import sys
import urllib.request

url = f"http://127.0.0.1:{os.environ.get('PIX_LTI_LISTEN_PORT', '8000')}/healthz"
try:
    with urllib.request.urlopen(url, timeout=4) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError:
    sys.exit(1)
