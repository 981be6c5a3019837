#!/usr/bin/env bash
# The README's test command (and CI's, through .ci/run): on a Debian 12 machine, as root, install what the tests
# need, build berth, and run every test (unit tests and the integration binary tests/main.rs).
#   usage: bash scripts/test.sh [extra cargo test args, e.g. a filter after --]
# Environment: BERTH_TEST_TIMEOUT (default 30m) bounds the whole suite so CI never hangs;
# BERTH_LINT=1 also runs cargo fmt --check and clippy -D warnings first.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/deps.sh
. scripts/deps.sh

if [ "$(id -u)" -ne 0 ]; then
    echo "berth: the test suite runs as root (it creates an unprivileged user for the rootless tests)" >&2
    exit 1
fi
berth_install_packages
berth_find_cargo
# The unprivileged user of the rootless tests (tests/support/rootless.rs creates it too, idempotently).
bash scripts/rootless-user.sh >/dev/null

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export RUST_BACKTRACE="${RUST_BACKTRACE:-1}"

if [ "${BERTH_LINT:-0}" = 1 ]; then
    cargo fmt --check
    cargo clippy --all-targets -- -D warnings
fi

cargo build

# --no-fail-fast: run every test binary even when an earlier one fails, so the report is complete.
# timeout: the suite must finish well inside CI's 90 minutes; SIGTERM first, SIGKILL a minute later.
status=0
timeout --kill-after=60 "${BERTH_TEST_TIMEOUT:-30m}" cargo test --all-targets --no-fail-fast "$@" || status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "berth: test suite exceeded ${BERTH_TEST_TIMEOUT:-30m} and was stopped" >&2
fi
exit "$status"
