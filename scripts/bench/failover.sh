#!/usr/bin/env bash
# Runs chaos scenarios RUNS times each on a fresh stack and writes their distributions (min /
# median / max per phase) to docs/BENCHMARKS.md.
#   scripts/bench/failover.sh [RUNS] [SCENARIO...]   (default 5 kill-primary; subnet 127.0.5)
#   PATRONI=/path/to/patroni scripts/bench/failover.sh ...   runs the nodes on that Patroni
#                                                             (local.patroni) instead of Debian's;
#                      scripts/bench/patroni-from-trixie.sh puts Debian 13's in /opt/patroni-<ver>
#   FAILSAFE=1 scripts/bench/failover.sh ...                  postgres.failsafe_mode: true
#   KEEP_REPORTS=DIR scripts/bench/failover.sh ...            copies every run's reports to DIR
#   LOAD=100 scripts/bench/failover.sh ...                    --load 100: gateway traffic (9:1
#                      reads:writes) beside every run; the summary says what it paid per run
#   LOAD_CONNECTIONS=1000 (with LOAD)                         --load-connections 1000
#   GATEWAYS=2 scripts/bench/failover.sh ...                  gateway.instances: 2 (HAProxy's
#                      gateways port in front of them; rolling-restart-gateways needs it)
# Each scenario list (and Patroni) has its own section in BENCHMARKS.md.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
runs=${1:-5}; shift || true
scenarios=("${@:-kill-primary}")
cd "$bench_root"
scripts/install-deps.sh >/dev/null
work=$(mktemp -d /tmp/madbase-bench-failover.XXXXXX); chmod 755 "$work"
trap './madbase down --purge --state-dir "$work/state" -q >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
printf 'name: benchfo\nlocal:\n  subnet: 127.0.5\n  patroni: %s\n' "${PATRONI:-/usr/bin/patroni}" > "$work/madbase.yaml"
[ -z "${FAILSAFE:-}" ] || printf 'postgres:\n  failsafe_mode: true\n' >> "$work/madbase.yaml"
[ -z "${GATEWAYS:-}" ] || printf 'gateway:\n  instances: %s\n' "$GATEWAYS" >> "$work/madbase.yaml"
patroni_version=$("${PATRONI:-/usr/bin/patroni}" --version)
section=failover
[ "${scenarios[*]}" = kill-primary ] || section="failover-$(echo "${scenarios[*]}" | tr ' ' '-')"
[ -z "${PATRONI:-}" ] || section="$section-$(echo "$patroni_version" | tr ' ' '-')"
[ -z "${FAILSAFE:-}" ] || section="$section-failsafe"
[ -z "${LOAD:-}" ] || section="$section-load$LOAD"
[ -z "${LOAD_CONNECTIONS:-}" ] || section="$section-c$LOAD_CONNECTIONS"
[ -z "${GATEWAYS:-}" ] || section="$section-gw$GATEWAYS"
./madbase up -q -f "$work/madbase.yaml" --state-dir "$work/state" >/dev/null
body=$(mktemp)
{
  echo "## Failovers: \`madbase chaos <scenario> --repeat $runs\`"
  echo
  echo "Script: \`${LOAD:+LOAD=$LOAD }${LOAD_CONNECTIONS:+LOAD_CONNECTIONS=$LOAD_CONNECTIONS }${GATEWAYS:+GATEWAYS=$GATEWAYS }${FAILSAFE:+FAILSAFE=1 }${PATRONI:+PATRONI=$PATRONI }scripts/bench/failover.sh $runs ${scenarios[*]}\` ($(date -u +%Y-%m-%d)). Machine: $(machine). $patroni_version."
  echo "Default stack (madbase.yaml names only the subnet${PATRONI:+ and local.patroni}${FAILSAFE:+ and postgres.failsafe_mode: true}${GATEWAYS:+ and gateway.instances: $GATEWAYS}); the settings in force are"
  echo "read from each scenario's first report. Times are seconds after the fault; every phase is"
  echo "observed, not configured."
  for s in "${scenarios[@]}"; do
    set +e
    ./madbase chaos "$s" --repeat "$runs" ${LOAD:+--load "$LOAD"} ${LOAD:+${LOAD_CONNECTIONS:+--load-connections "$LOAD_CONNECTIONS"}} -q --state-dir "$work/state" --report-dir "$work/reports" > "$work/$s.out" 2>&1
    rc=$?
    set -e
    summary=$(ls -d "$work/reports/$s"-*-x"$runs" 2>/dev/null | head -1)
    echo
    echo "### $s (exit code $rc)"
    echo
    python3 - "$summary/run-1/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"Settings in force: {r['stack']['summary']}.")
for n in r.get("notes", []):
    print(f"Note: {n}.")
print()
PY
    sed -e 's/^## /#### /' "$summary/summary.md"
    echo
    echo "Acknowledged writes lost, per run and writer probe: $(grep -h '"lost"' "$summary"/run-*/report.json | sed 's/[^0-9]//g' | paste -sd' ')."
  done
} > "$body"
replace_section "$section" "$body"
if [ -n "${KEEP_REPORTS:-}" ]; then
  mkdir -p "$KEEP_REPORTS" && cp -r "$work/reports/." "$KEEP_REPORTS/"
  echo "reports kept in $KEEP_REPORTS"
fi
rm -f "$body"
echo "docs/BENCHMARKS.md updated"
