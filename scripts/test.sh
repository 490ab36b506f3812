#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need, then builds and runs every
# test against real servers (PostgreSQL, Patroni, etcd, HAProxy, Redis, Sentinel) on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# 1000-connection load tests need file descriptors
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec mvn -B -ntp verify "$@"
