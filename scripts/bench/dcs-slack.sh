#!/usr/bin/env bash
# How much slack Patroni's timing leaves a leader cut off from etcd: partition-primary-from-dcs
# (the leader loses etcd only; the replicas still stream from it) RUNS times on a fresh stack per
# setting (subnet 127.0.5): the fast profile (ttl 10, loop_wait 2, retry_timeout 4, so
# loop_wait + 2 x retry_timeout = ttl exactly) against retry_timeout 3 (2 s of slack). Per run:
# when the leader key expired, when the cut-off leader demoted itself, and the acknowledged
# writes lost (all of them acknowledged by the old leader after a replica had taken over).
#   scripts/bench/dcs-slack.sh [RUNS]     (default 5)
# Writes its section of docs/BENCHMARKS.md.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
runs=${1:-5}
cd "$bench_root"
scripts/install-deps.sh >/dev/null
work=$(mktemp -d /tmp/madbase-bench-dcsslack.XXXXXX); chmod 755 "$work"
trap './madbase down --purge --state-dir "$work/state" -q >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

configs=("rt4:" "rt3:failover:\n  patroni:\n    retry_timeout: 3\n")
for c in "${configs[@]}"; do
  name=${c%%:*} extra=${c#*:}
  ./madbase down --purge --state-dir "$work/state" -q >/dev/null 2>&1 || true
  printf 'name: benchslack\nlocal:\n  subnet: 127.0.5\n%b' "$extra" > "$work/$name.yaml"
  ./madbase up -q -f "$work/$name.yaml" --state-dir "$work/state" >/dev/null
  set +e
  ./madbase chaos partition-primary-from-dcs --repeat "$runs" -q --state-dir "$work/state" \
    --report-dir "$work/reports/$name" > "$work/$name.out" 2>&1
  echo "$name: exit $?" >&2
  set -e
done

body=$(mktemp)
{
  echo "## A leader cut off from etcd: the slack in Patroni's timing"
  echo
  echo "Script: \`scripts/bench/dcs-slack.sh $runs\` ($(date -u +%Y-%m-%d)). Machine: $(machine). $(patroni --version)."
  echo "Local driver, a fresh stack per setting, partition-primary-from-dcs: the leader cut off from"
  echo "etcd only for 30 s (the replicas still stream from it, HAProxy and the gateway still reach it),"
  echo "the gateway_writer and haproxy_writer probes writing every 100 ms. \"Demoted after expiry\" is"
  echo "when the cut-off leader's Patroni demoted it, minus when its leader key expired (negative:"
  echo "before). Median (min-max) over the runs."
  echo
  echo "| Patroni ttl / loop_wait / retry_timeout | runs | key expired (s after the cut) | demoted after expiry (s) | runs that lost writes | acknowledged writes lost, per run |"
  echo "|---|---|---|---|---|---|"
  for c in "${configs[@]}"; do
    name=${c%%:*}
    python3 - "$work/reports/$name" "$name" <<'PY'
import glob, json, statistics, sys
root, name = sys.argv[1], sys.argv[2]
reports = sorted(glob.glob(f"{root}/*-x*/run-*/report.json"))
gone, after, lost = [], [], []
for f in reports:
    r = json.load(open(f))
    ph = {p["id"]: p for p in r["phases"]}
    g = ph.get("leader_key_gone", {}).get("at_seconds")
    d = ph.get("primary_demoted", {}).get("at_seconds")
    if g is not None:
        gone.append(g)
    if g is not None and d is not None:
        after.append(d - g)
    lost.append(sum(l["lost"] for l in r["ledger"]))
def mmm(xs, fmt="{:.1f}"):
    if not xs: return "-"
    return f"{fmt.format(statistics.median(xs))} ({fmt.format(min(xs))} to {fmt.format(max(xs))})"
label = {"rt4": "10 / 2 / 4 (fast profile)", "rt3": "10 / 2 / 3"}[name]
print(f"| {label} | {len(reports)} | {mmm(gone)} | {mmm(after, '{:+.1f}')} | {sum(1 for x in lost if x)} | {' '.join(str(x) for x in lost)} |")
PY
  done
} > "$body"
replace_section dcs-slack "$body"
cat "$body"
rm -f "$body"
