#!/usr/bin/env bash
# The docker driver's figures, beside the local driver's in the same session, into BENCHMARKS.md:
#   - `madbase up --driver docker` cold (every madbase image and the base removed first, so they
#     are built again: COLD=0 skips that) and warm (images present, a fresh stack);
#   - image sizes; memory per member right after up (docker stats);
#   - kill-primary RUNS times on docker, then RUNS times on the local driver (write gap, first
#     gateway write, failed gateway requests, acknowledged writes lost).
#   scripts/bench/docker.sh [RUNS]   (default 5; state dirs of its own, ports 18400+, subnet 127.0.5)
# Needs a Docker engine (dockerd, as root); it stops only the stacks it started.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
runs=${1:-5}
cd "$bench_root"
scripts/install-deps.sh >/dev/null
timeout 10 docker info >/dev/null 2>&1 || { echo "docker.sh: no Docker engine answers (start dockerd)" >&2; exit 3; }
work=$(mktemp -d /tmp/madbase-bench-docker.XXXXXX); chmod 755 "$work"
cleanup() {
  ./madbase down --purge -q --state-dir "$work/docker" >/dev/null 2>&1 || true
  ./madbase down --purge -q --state-dir "$work/local" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
printf 'name: benchdk\ndriver: docker\ndocker:\n  host_port_base: 18400\n' > "$work/docker.yaml"
printf 'name: benchlc\nlocal:\n  subnet: 127.0.5\n' > "$work/local.yaml"
./madbase --version >/dev/null   # build first, outside the timing

if [ "${COLD:-1}" = 1 ]; then
  docker images --format '{{.Repository}}:{{.Tag}}' | grep -E '^madbase/' | xargs -r docker rmi -f >/dev/null
  docker rmi -f debian:bookworm >/dev/null 2>&1 || true
fi
t0=$(date +%s.%N)
./madbase up -f "$work/docker.yaml" --state-dir "$work/docker" > "$work/up-cold.out" 2>&1
cold=$(echo "$(date +%s.%N) - $t0" | bc)
builds=$(grep -E 'ok: (base )?image ' "$work/up-cold.out" | sed -E 's/.*ok: (base )?image ([^ ]+) \(([0-9.]+)s\).*/\2 \3 s/' | paste -sd';' | sed 's/;/; /g')
stats=$(docker stats --no-stream --format '{{.Name}} {{.MemUsage}}' | grep '^benchdk_' | sed -E 's/^benchdk_([a-z0-9]+)_1 ([0-9.]+[KMG]iB).*/\1 \2/' | sort)
sizes=$(docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^(madbase/|debian:bookworm)' | sort)
./madbase down --purge -q --state-dir "$work/docker" >/dev/null
t0=$(date +%s.%N)
./madbase up -q -f "$work/docker.yaml" --state-dir "$work/docker" >/dev/null
warm=$(echo "$(date +%s.%N) - $t0" | bc)

# kill-primary, docker then local, one stack at a time
run_kill() { # DRIVER-DIR -> prints one line per run: gap first_gw failed lost
  ./madbase chaos kill-primary --repeat "$runs" -q --state-dir "$work/$1" --report-dir "$work/reports-$1" >/dev/null 2>&1 || true
  for r in "$work/reports-$1"/kill-primary-*-x"$runs"/run-*/report.json; do
    python3 - "$r" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ph = {p["id"]: p.get("at_seconds") for p in r["phases"]}
gw = next((p for p in r["probes"] if p["probe"] == "gateway_writer"), {})
lost = sum(l.get("lost", 0) for l in r.get("ledger", []))
print(f'{gw.get("unavailability_seconds", float("nan")):.2f} {ph.get("first_write_gateway") or float("nan"):.2f} '
      f'{gw.get("failed", 0) + gw.get("unknown", 0) + gw.get("not_sent", 0)} {lost}')
PY
  done
}
run_kill docker > "$work/kill-docker.txt"
./madbase down --purge -q --state-dir "$work/docker" >/dev/null
./madbase up -q -f "$work/local.yaml" --state-dir "$work/local" >/dev/null
run_kill local > "$work/kill-local.txt"

col() { awk -v c="$1" '{print $c}' "$2"; }
row() { # NAME FILE
  printf '| %s | %s (%s-%s) | %s (%s-%s) | %s | %s |\n' "$1" \
    "$(col 1 "$2" | median)" "$(col 1 "$2" | sort -n | head -1)" "$(col 1 "$2" | sort -n | tail -1)" \
    "$(col 2 "$2" | median)" "$(col 2 "$2" | sort -n | head -1)" "$(col 2 "$2" | sort -n | tail -1)" \
    "$(col 3 "$2" | paste -sd' ')" "$(col 4 "$2" | paste -sd' ')"
}
body=$(mktemp)
{
  echo "## The docker driver beside the local one"
  echo
  echo "Script: \`scripts/bench/docker.sh $runs\` ($(date -u +%Y-%m-%d)). Machine: $(machine). $(docker version --format 'dockerd {{.Server.Version}}')."
  echo "Default stack on both drivers (16 members). Cold: every madbase image and the base removed"
  echo "first${COLD:+ (COLD=$COLD)}; warm: images present, a fresh stack."
  echo
  echo "| | seconds |"
  echo "|---|---|"
  echo "| \`up --driver docker\`, cold (base with debootstrap, 5 images, then the stack) | $(printf '%.1f' "$cold") |"
  echo "| \`up --driver docker\`, warm | $(printf '%.1f' "$warm") |"
  echo
  echo "Image builds (cold): ${builds:-none (COLD=0)}."
  echo
  echo "Image sizes (each includes the shared base):"
  echo
  echo '```'
  echo "$sizes"
  echo '```'
  echo
  echo "Memory per member right after up (docker stats):"
  echo
  echo '```'
  echo "$stats"
  echo '```'
  echo
  echo "kill-primary, $runs runs on each driver, one after the other (seconds after the fault;"
  echo "write gap: the gateway writer's longest gap; failed: gateway writes failed or of unknown"
  echo "outcome; lost: acknowledged writes missing afterwards, all probes):"
  echo
  echo "| driver | write gap median (min-max) | first gateway write median (min-max) | failed per run | lost per run |"
  echo "|---|---|---|---|---|"
  row docker "$work/kill-docker.txt"
  row local "$work/kill-local.txt"
} > "$body"
replace_section docker "$body"
rm -f "$body"
echo "docs/BENCHMARKS.md updated"
cat "$work/kill-docker.txt" "$work/kill-local.txt"
