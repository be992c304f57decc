#!/bin/sh
# Entrypoint of the Pix LTI container.
#   serve (default)  upgrade the database (pix-lti migrate), then `pix-lti serve` on
#                    $PIX_LTI_LISTEN_ADDRESS:$PIX_LTI_LISTEN_PORT with $PIX_LTI_WORKERS workers
#   worker           upgrade the database, then the grade worker
#   anything else    a pix-lti command (e.g. `admin create NAME`, `registration list`)
set -eu
pix_lti=${PIX_LTI_BIN:-/opt/pix-lti/.venv/bin/pix-lti}
command=${1:-serve}
[ $# -gt 0 ] && shift
case "$command" in
    serve)
        "$pix_lti" migrate
        exec "$pix_lti" serve --host "${PIX_LTI_LISTEN_ADDRESS:-0.0.0.0}" --port "${PIX_LTI_LISTEN_PORT:-8000}" \
            --workers "${PIX_LTI_WORKERS:-2}" "$@"
        ;;
    worker)
        "$pix_lti" migrate
        exec "$pix_lti" worker "$@"
        ;;
    *)
        exec "$pix_lti" "$command" "$@"
        ;;
esac
