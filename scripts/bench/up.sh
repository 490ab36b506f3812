#!/usr/bin/env bash
# Measures `madbase up` from nothing to healthy (whole stack: etcd, Patroni x3, HAProxy, Redis x3,
# Sentinel x3, gateway, workers), RUNS times, and writes the median to docs/BENCHMARKS.md.
#   scripts/bench/up.sh [RUNS]      (default 5; uses its own state dir and subnet 127.0.5)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
runs=${1:-5}
cd "$bench_root"
scripts/install-deps.sh >/dev/null
work=$(mktemp -d /tmp/madbase-bench-up.XXXXXX); chmod 755 "$work"
trap './madbase down --purge --state-dir "$work/state" -q >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
printf 'name: benchup\nlocal:\n  subnet: 127.0.5\n' > "$work/madbase.yaml"
./madbase --version >/dev/null   # build first, outside the timing
times=()
for i in $(seq 1 "$runs"); do
  out=$(./madbase up -q -f "$work/madbase.yaml" --state-dir "$work/state")
  t=$(echo "$out" | sed -n 's/.* is up in \([0-9.]*\) s.*/\1/p')
  echo "run $i: up in $t s"
  times+=("$t")
  ./madbase down --purge -q --state-dir "$work/state" >/dev/null
done
med=$(printf '%s\n' "${times[@]}" | median)
body=$(mktemp)
cat > "$body" <<MD
## Bring-up: \`madbase up\` from nothing to healthy

Script: \`scripts/bench/up.sh $runs\` ($(date -u +%Y-%m-%d)). Machine: $(machine).
Whole default stack, fresh each run (\`down --purge\` between runs): 3 etcd, 3 Patroni/PostgreSQL
(initdb, basebackup of two replicas), HAProxy, Redis + 2 replicas, 3 Sentinels, gateway, 2 workers.
"Healthy" is what \`up\` waits for: etcd healthy, one leader with every replica streaming, HAProxy
routing to exactly that leader after a passed check, Sentinels agreed, workers and gateway ready.

| runs | median | min | max | each (s) | target |
|---|---|---|---|---|---|
| $runs | **${med} s** | $(printf '%s\n' "${times[@]}" | sort -n | head -1) s | $(printf '%s\n' "${times[@]}" | sort -n | tail -1) s | ${times[*]} | < 20 s |
MD
replace_section up "$body"
rm -f "$body"
echo "median ${med} s: docs/BENCHMARKS.md updated"
