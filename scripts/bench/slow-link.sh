#!/usr/bin/env bash
# A slow replication link (the throttle action): throttle-replication caps the leader's link to the
# replicas at 32kbit, lets the probes write for 20 s, then crashes the leader. On a fresh stack
# per setting (subnet 127.0.5), RUNS times each (`madbase chaos throttle-replication --repeat RUNS`):
#   postgres.synchronous_mode off (the default) / on
#   scripts/bench/slow-link.sh [RUNS]            (default 5)
#   SYNC="off" scripts/bench/slow-link.sh ...    only these synchronous_mode settings
#   DRIVER=docker scripts/bench/slow-link.sh ... on the docker driver (ports 17500+; needs a
#                      Docker engine)
# Writes its section of docs/BENCHMARKS.md (one per driver).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
runs=${1:-5}
cd "$bench_root"
scripts/install-deps.sh >/dev/null
work=$(mktemp -d /tmp/madbase-bench-slowlink.XXXXXX); chmod 755 "$work"
trap './madbase down --purge --state-dir "$work/state" -q >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
driver=${DRIVER:-local}
if [ "$driver" = docker ]; then
  timeout 10 docker info >/dev/null 2>&1 || { echo "slow-link.sh: no Docker engine answers (start dockerd)" >&2; exit 3; }
  stack_spec="driver: docker\ndocker:\n  host_port_base: 17500\n"
  section=slow-replication-link-docker
else
  stack_spec="local:\n  subnet: 127.0.5\n"
  section=slow-replication-link
fi

for mode in ${SYNC:-off on}; do
  ./madbase down --purge --state-dir "$work/state" -q >/dev/null 2>&1 || true
  printf 'name: benchslow\n%bpostgres:\n  synchronous_mode: "%s"\n' "$stack_spec" "$mode" > "$work/$mode.yaml"
  ./madbase up -q -f "$work/$mode.yaml" --state-dir "$work/state" >/dev/null
  set +e
  ./madbase chaos throttle-replication --repeat "$runs" -q --state-dir "$work/state" \
    --report-dir "$work/reports/$mode" > "$work/$mode.out" 2>&1
  echo "synchronous_mode $mode: exit $?" >&2
  set -e
done
patroni_version=$(if [ "$driver" = docker ]; then docker exec benchslow_pg1_1 patroni --version; else patroni --version; fi 2>/dev/null || echo "patroni ?")

body=$(mktemp)
{
  echo "## Slow replication link"
  echo
  echo "Script: \`${DRIVER:+DRIVER=$DRIVER }${SYNC:+SYNC=\"$SYNC\" }scripts/bench/slow-link.sh $runs\` ($(date -u +%Y-%m-%d)). Machine: $(machine). $patroni_version."
  echo "$driver driver, fast profile, a fresh stack per setting. throttle-replication caps what the"
  echo "leader sends to the other postgres nodes at 32kbit (4 kB/s) while the gateway_writer and"
  echo "haproxy_writer probes write every 100 ms, then crashes the leader 20 s later. \"Lag\" is the"
  echo "largest distance a replica was reported behind before the crash (the watcher reports it when"
  echo "it crosses 64 KiB, 256 KiB, ...: a lower bound; with synchronous_mode on it is the replica that"
  echo "is not the synchronous standby). \"Write unavailability\" is the gateway_writer's longest gap"
  echo "between two successful writes; \"gateway write p50\" its median latency over the whole run."
  echo "\"No failover\" counts the runs where every replica was further behind than"
  echo "maximum_lag_on_failover (1 MiB) when the leader key went (no_promotable_replica): Patroni"
  echo "promoted none, and the writes waited for the rollback to restart the old leader."
  echo "Median (min-max) over the runs."
  echo
  echo "| synchronous_mode | runs | no failover | lag reported (kB) | acknowledged writes lost | per run | write unavailability (s) | gateway write p50 (ms) | failed |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for mode in ${SYNC:-off on}; do
    python3 - "$work/reports/$mode" "$mode" <<'PY'
import glob, json, statistics, sys
root, mode = sys.argv[1], sys.argv[2]
reports = sorted(glob.glob(f"{root}/*-x*/run-*/report.json")) or sorted(glob.glob(f"{root}/*/report.json"))
lag, lost, gap, p50, failed, refused = [], [], [], [], [], 0
for f in reports:
    r = json.load(open(f))
    crash = next(f["at_seconds"] for f in r["faults"] if f["action"] == "crash_node")
    lags = [int(e["detail"].split(" ")[0]) for e in r["events"]
            if e["kind"] == "replication_lag" and not e["detail"].startswith("caught up")
            and e["at_seconds"] < crash]
    lag.append(max(lags) / 1000 if lags else 0)
    lost.append(sum(l["lost"] for l in r["ledger"]))
    probes = {p["probe"]: p for p in r["probes"]}
    gap.append(probes["gateway_writer"]["unavailability_seconds"])
    p50.append(probes["gateway_writer"]["p50_ms"])
    failed.append(sum(p["failed"] for p in r["probes"]))
    refused += any(e["kind"] == "no_promotable_replica" for e in r["events"])
def mmm(xs, fmt="{:.0f}"):
    if not xs: return "-"
    return f"{fmt.format(statistics.median(xs))} ({fmt.format(min(xs))}-{fmt.format(max(xs))})"
label = mode + (" (default)" if mode == "off" else "")
print(f"| {label} | {len(reports)} | {refused} | {mmm(lag)} | {mmm(lost)} | {' '.join(str(x) for x in lost)} | {mmm(gap, '{:.1f}')} | {mmm(p50)} | {mmm(failed)} |")
PY
  done
} > "$body"
replace_section "$section" "$body"
cat "$body"
rm -f "$body"
