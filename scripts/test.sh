#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs the project and its test tools into ./.venv
# (scripts/install.sh: PEP 668 leaves Debian's python3 to Debian), makes PostgreSQL and Redis
# available, runs ruff and pytest against both for real.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install.sh dev
python=.venv/bin/python
bash scripts/system-deps.sh
bash scripts/services.sh

export PIX_LTI_TEST_DATABASE_URL=${PIX_LTI_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
export PIX_LTI_TEST_REDIS_URL=${PIX_LTI_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}
export PIX_LTI_REQUIRE_SERVICES=1
# a test-only key for the secrets encrypted at rest (PostgreSQL refuses to start without one)
export PIX_LTI_SECRET_KEYS=${PIX_LTI_SECRET_KEYS:-dGVzdC1vbmx5LWtleS1mb3ItcGl4LWx0aS10ZXN0cyE=}

$python -m ruff check .
$python -m pix_lti.cli content check content_bank/bank
$python -m pytest "$@"
