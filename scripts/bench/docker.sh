#!/usr/bin/env bash
# The docker driver's figures, beside a reference stack in the same session, into BENCHMARKS.md:
#   - `madbase up --driver docker` cold (the images of this base and the base removed first, so
#     they are built again: COLD=0 skips that) and warm (images present, a fresh stack);
#   - image sizes; memory per member right after up (docker stats);
#   - kill-primary RUNS times on docker, then RUNS times on the reference: the local driver, or
#     for DEBIAN=trixie the docker driver on bookworm as shipped (the fast profile's ttl 10).
#   scripts/bench/docker.sh [RUNS]   (default 5; state dirs of its own, ports 18400+ and 18500+,
#                                     subnet 127.0.5)
#   DEBIAN=trixie scripts/bench/docker.sh ...   images on Debian 13 (docker.debian), with
#                      failover.patroni.ttl 20 and gateway.hold_deadline 30s (its Patroni 4 raises
#                      a ttl under 20 anyway); its own section. Bookworm's images are left alone.
#   SYNC=on scripts/bench/docker.sh ...         both stacks with postgres.synchronous_mode on
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
debian=${DEBIAN:-bookworm}
sync_extra=""
[ -z "${SYNC:-}" ] || sync_extra="postgres:\n  synchronous_mode: \"$SYNC\"\n"
case "$debian" in
  bookworm)
    printf 'name: benchdk\ndriver: docker\ndocker:\n  host_port_base: 18400\n%b' "$sync_extra" > "$work/docker.yaml"
    printf 'name: benchlc\nlocal:\n  subnet: 127.0.5\n%b' "$sync_extra" > "$work/local.yaml"
    ref=local; ref_label=local; ref_yaml="$work/local.yaml" ;;
  *)
    printf 'name: benchdk\ndriver: docker\ndocker:\n  host_port_base: 18400\n  debian: %s\nfailover:\n  patroni:\n    ttl: 20\ngateway:\n  hold_deadline: 30s\n%b' \
      "$debian" "$sync_extra" > "$work/docker.yaml"
    # the reference: the docker driver on bookworm as shipped (fast profile, ttl 10)
    printf 'name: benchdb\ndriver: docker\ndocker:\n  host_port_base: 18500\n%b' "$sync_extra" > "$work/local.yaml"
    ref=local; ref_label="docker, bookworm (ttl 10)"; ref_yaml="$work/local.yaml" ;;
esac
./madbase --version >/dev/null   # build first, outside the timing

if [ "${COLD:-1}" = 1 ]; then
  # only this base's images: each carries its base's name as a label (prelude.Dockerfile)
  docker images -q --filter "label=io.madbase.base-image=debian:$debian" | sort -u | xargs -r docker rmi -f >/dev/null
  docker rmi -f "debian:$debian" >/dev/null 2>&1 || true
fi
t0=$(date +%s.%N)
./madbase up -f "$work/docker.yaml" --state-dir "$work/docker" > "$work/up-cold.out" 2>&1
cold=$(echo "$(date +%s.%N) - $t0" | bc)
builds=$(grep -E 'ok: (base )?image ' "$work/up-cold.out" | sed -E 's/.*ok: (base )?image ([^ ]+) \(([0-9.]+)s\).*/\2 \3 s/' | paste -sd';' | sed 's/;/; /g')
versions=$(docker exec benchdk_pg1_1 sh -c 'patroni --version; postgres --version' 2>/dev/null | paste -sd';' | sed 's/;/; /g' || true)
stats=$(docker stats --no-stream --format '{{.Name}} {{.MemUsage}}' | grep '^benchdk_' | sed -E 's/^benchdk_([a-z0-9]+)_1 ([0-9.]+[KMG]iB).*/\1 \2/' | sort)
sizes=$( (docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}' "debian:$debian"
  docker images --filter "label=io.madbase.base-image=debian:$debian" --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^madbase/') | sort -u)
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
./madbase up -q -f "$ref_yaml" --state-dir "$work/local" >/dev/null
run_kill "$ref" > "$work/kill-local.txt"

col() { awk -v c="$1" '{print $c}' "$2"; }
row() { # NAME FILE
  printf '| %s | %s (%s-%s) | %s (%s-%s) | %s | %s |\n' "$1" \
    "$(col 1 "$2" | median)" "$(col 1 "$2" | sort -n | head -1)" "$(col 1 "$2" | sort -n | tail -1)" \
    "$(col 2 "$2" | median)" "$(col 2 "$2" | sort -n | head -1)" "$(col 2 "$2" | sort -n | tail -1)" \
    "$(col 3 "$2" | paste -sd' ')" "$(col 4 "$2" | paste -sd' ')"
}
body=$(mktemp)
{
  if [ "$debian" = bookworm ]; then
    echo "## The docker driver beside the local one"
  else
    echo "## The docker driver on Debian $debian beside bookworm"
  fi
  echo
  echo "Script: \`${DEBIAN:+DEBIAN=$DEBIAN }${SYNC:+SYNC=$SYNC }scripts/bench/docker.sh $runs\` ($(date -u +%Y-%m-%d)). Machine: $(machine). $(docker version --format 'dockerd {{.Server.Version}}')."
  if [ "$debian" = bookworm ]; then
    echo "Default stack on both drivers (16 members)${SYNC:+, synchronous_mode $SYNC}. Cold: every madbase image and the base removed"
  else
    echo "Default stack (16 members) with \`docker.debian: $debian\`, \`failover.patroni.ttl: 20\` and"
    echo "\`gateway.hold_deadline: 30s\`${SYNC:+, synchronous_mode $SYNC}; the reference is the docker driver on bookworm as shipped (ttl 10)."
    echo "Versions in the $debian images: $versions."
    echo "Cold: this base's madbase images and the base removed"
  fi
  echo "first${COLD:+ (COLD=$COLD)}; warm: images present, a fresh stack."
  echo
  echo "| | seconds |"
  echo "|---|---|"
  echo "| \`up --driver docker\`, cold (debian:$debian with debootstrap, 5 images, then the stack) | $(printf '%.1f' "$cold") |"
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
  echo "kill-primary, $runs runs on each stack, one after the other (seconds after the fault;"
  echo "write gap: the gateway writer's longest gap; failed: gateway writes failed or of unknown"
  echo "outcome; lost: acknowledged writes missing afterwards, all probes):"
  echo
  echo "| driver | write gap median (min-max) | first gateway write median (min-max) | failed per run | lost per run |"
  echo "|---|---|---|---|---|"
  row "docker${DEBIAN:+, $debian}" "$work/kill-docker.txt"
  row "$ref_label" "$work/kill-local.txt"
} > "$body"
section=docker
[ "$debian" = bookworm ] || section="docker-$debian"
[ -z "${SYNC:-}" ] || section="$section-sync-$SYNC"
replace_section "$section" "$body"
rm -f "$body"
echo "docs/BENCHMARKS.md updated"
cat "$work/kill-docker.txt" "$work/kill-local.txt"
