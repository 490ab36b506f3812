#!/usr/bin/env bash
# The headline table of issue 11: acknowledged writes lost and write unavailability under network
# partitions, with the data-safety settings off and on. On a fresh stack per setting (subnet
# 127.0.5), each scenario RUNS times (`madbase chaos <scenario> --repeat RUNS`):
#   partition-primary        postgres.synchronous_mode off (the default) / on / strict
#   isolate-sentinel-master  redis.min_replicas_to_write 0 (the default) / 1 (max lag 10s)
#   scripts/bench/partitions.sh [RUNS]             (default 5)
#   PATRONI=/path/to/patroni scripts/bench/partitions.sh ...   on that Patroni (local.patroni); on
#                      Patroni 4 with failover.patroni.ttl 20 and gateway.hold_deadline 30s, the
#                      settings docs/scenarios.md recommends there (it raises a ttl under 20 anyway)
#   ONLY=postgres|redis scripts/bench/partitions.sh ...        one half only
#   SYNC="off on" scripts/bench/partitions.sh ...              only these synchronous_mode settings
#   KEEP_REPORTS=DIR scripts/bench/partitions.sh ...           copies every report to DIR
#   DRIVER=docker scripts/bench/partitions.sh ...   on the docker driver (ports 17500+; needs a
#                      Docker engine; the Patroni is the postgres image's: Debian 12's 3.0.2)
#   DRIVER=docker DEBIAN=trixie scripts/bench/partitions.sh ...   images on Debian 13
#                      (docker.debian): Patroni 4.0.7, so ttl 20 and hold_deadline 30s as above
# Writes its section of docs/BENCHMARKS.md (one per driver and Patroni version).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
runs=${1:-5}
cd "$bench_root"
scripts/install-deps.sh >/dev/null
work=$(mktemp -d /tmp/madbase-bench-partitions.XXXXXX); chmod 755 "$work"
trap './madbase down --purge --state-dir "$work/state" -q >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
driver=${DRIVER:-local}
base_extra=""
if [ "$driver" = docker ]; then
  timeout 10 docker info >/dev/null 2>&1 || { echo "partitions.sh: no Docker engine answers (start dockerd)" >&2; exit 3; }
  stack_spec="driver: docker\ndocker:\n  host_port_base: 17500\n${DEBIAN:+  debian: $DEBIAN\n}"
  [ "${DEBIAN:-bookworm}" = bookworm ] || base_extra='failover:\n  patroni:\n    ttl: 20\ngateway:\n  hold_deadline: 30s\n'
  patroni_version=""   # read from the running image below
  section_driver="docker-"
else
  patroni=${PATRONI:-/usr/bin/patroni}
  patroni_version=$("$patroni" --version)
  stack_spec="local:\n  subnet: 127.0.5\n  patroni: $patroni\n"
  case "$patroni_version" in
    "patroni 4"*) base_extra='failover:\n  patroni:\n    ttl: 20\ngateway:\n  hold_deadline: 30s\n' ;;
  esac
  section_driver=""
fi

# one configuration: NAME, extra madbase.yaml, scenario
run_config() {
  local name=$1 extra=$2 scenario=$3
  ./madbase down --purge --state-dir "$work/state" -q >/dev/null 2>&1 || true
  printf 'name: benchpart\n%b%b%b' "$stack_spec" "$base_extra" "$extra" > "$work/$name.yaml"
  ./madbase up -q -f "$work/$name.yaml" --state-dir "$work/state" >/dev/null
  if [ "$driver" = docker ]; then
    patroni_version=$(docker exec benchpart_pg1_1 patroni --version)
  fi
  set +e
  ./madbase chaos "$scenario" --repeat "$runs" -q --state-dir "$work/state" \
    --report-dir "$work/reports/$name" > "$work/$name.out" 2>&1
  echo "$name: exit $?" >&2
  set -e
}

row() { # NAME LABEL: one table row from the runs' reports
  python3 - "$work/reports/$1" "$2" <<'PY'
import glob, json, statistics, sys
root, label = sys.argv[1], sys.argv[2]
reports = sorted(glob.glob(f"{root}/*-x*/run-*/report.json"))
lost, gap, failed, unknown, safety = [], [], [], [], ""
for f in reports:
    r = json.load(open(f))
    safety = r["stack"]["summary"].split("; ")[-2:] if not safety else safety
    lost.append(sum(l["lost"] for l in r["ledger"]))
    probes = {p["probe"]: p for p in r["probes"]}
    main = probes.get("gateway_writer") or probes.get("redis_writer")
    gap.append(main["unavailability_seconds"])
    failed.append(sum(p["failed"] for p in r["probes"]))
    unknown.append(sum(p["unknown"] for p in r["probes"]))
def mmm(xs, fmt="{:.0f}"):
    if not xs: return "-"
    return f"{fmt.format(statistics.median(xs))} ({fmt.format(min(xs))}-{fmt.format(max(xs))})"
print(f"| {label} | {len(reports)} | {mmm(lost)} | {' '.join(str(x) for x in lost)} | {mmm(gap, '{:.1f}')} | {mmm(failed)} | {mmm(unknown)} |")
PY
}

if [ "${ONLY:-}" != redis ]; then
  for mode in ${SYNC:-off on strict}; do
    run_config "pg-$mode" "postgres:\n  synchronous_mode: \"$mode\"\n" partition-primary
  done
fi
if [ "${ONLY:-}" != postgres ]; then
  run_config redis-0 "" isolate-sentinel-master
  run_config redis-1 'redis:\n  min_replicas_to_write: 1\n  min_replicas_max_lag: 10s\n' isolate-sentinel-master
fi
section="partitions-${section_driver}$(echo "$patroni_version" | cut -d' ' -f1-2 | tr ' ' '-')"
body=$(mktemp)
{
  echo "## Partitions: acknowledged writes lost, with and without the data-safety settings"
  echo
  echo "Script: \`${DRIVER:+DRIVER=$DRIVER }${DEBIAN:+DEBIAN=$DEBIAN }${PATRONI:+PATRONI=$PATRONI }${ONLY:+ONLY=$ONLY }${SYNC:+SYNC=\"$SYNC\" }scripts/bench/partitions.sh $runs\` ($(date -u +%Y-%m-%d)). Machine: $(machine). $patroni_version."
  [ -z "$base_extra" ] || echo "On Patroni 4 with \`failover.patroni.ttl: 20\` and \`gateway.hold_deadline: 30s\`."
  if [ "$driver" = docker ]; then
    echo "Docker driver (dockerd $(docker version -f '{{.Server.Version}}' 2>/dev/null), images on debian:${DEBIAN:-bookworm}): every member a container,"
    echo "the cut an iptables chain in the cut-off container's network namespace. Fast profile, a fresh stack per setting. partition-primary cuts the leader off"
  else
    echo "Local driver, fast profile, a fresh stack per setting. partition-primary cuts the leader off"
  fi
  echo "from etcd and the other postgres nodes for 30 s while HAProxy and the gateway still reach it;"
  echo "isolate-sentinel-master cuts the Redis master off from its replicas and the Sentinels for 30 s"
  echo "while the redis_writer probe stays connected to it. \"Write unavailability\" is the longest gap"
  echo "between two successful writes of the gateway_writer (PostgreSQL) or redis_writer (Redis)."
  echo "Failed and unknown count every probe's operations. Median (min-max) over the runs."
  echo
  echo "| setting | runs | acknowledged writes lost | per run | write unavailability (s) | failed | unknown outcome |"
  echo "|---|---|---|---|---|---|---|"
  if [ "${ONLY:-}" != redis ]; then
    for mode in ${SYNC:-off on strict}; do
      label="partition-primary, synchronous_mode $mode"
      [ "$mode" = off ] && label="$label (default)"
      row "pg-$mode" "$label"
    done
  fi
  if [ "${ONLY:-}" != postgres ]; then
    row redis-0 "isolate-sentinel-master, min_replicas_to_write 0 (default)"
    row redis-1 "isolate-sentinel-master, min_replicas_to_write 1, max lag 10s"
  fi
} > "$body"
replace_section "$section" "$body"
if [ -n "${KEEP_REPORTS:-}" ]; then
  mkdir -p "$KEEP_REPORTS" && cp -r "$work/reports/." "$KEEP_REPORTS/"
  echo "reports kept in $KEEP_REPORTS"
fi
cat "$body"
rm -f "$body"
echo "docs/BENCHMARKS.md updated"
