#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need, then builds and runs every
# test against real servers (PostgreSQL, Patroni, etcd, HAProxy, Redis, Sentinel) on loopback, and
# the docker driver's tests against a Docker Engine (started here when none answers, and then
# stopped again: this script stops only what it started).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# 1000-connection load tests need file descriptors
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

dockerd_pid=""
stop_dockerd() {
  if [ -n "$dockerd_pid" ]; then
    kill "$dockerd_pid" 2>/dev/null || true
    wait "$dockerd_pid" 2>/dev/null || true
  fi
}
trap stop_dockerd EXIT
if ! timeout 10 docker info >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v dockerd >/dev/null 2>&1; then
    echo "test.sh: no Docker engine answers: starting dockerd (log: /tmp/madbase-test-dockerd.log)"
    dockerd >/tmp/madbase-test-dockerd.log 2>&1 &
    dockerd_pid=$!
    for _ in $(seq 1 30); do
      timeout 5 docker info >/dev/null 2>&1 && break
      sleep 1
    done
    timeout 5 docker info >/dev/null 2>&1 || { echo "test.sh: dockerd did not answer within 30 s (see /tmp/madbase-test-dockerd.log)" >&2; exit 3; }
  else
    echo "test.sh: no Docker engine answers and this script cannot start one (not root, or no dockerd): the docker driver's tests will fail" >&2
  fi
fi

mvn -B -ntp verify "$@"
