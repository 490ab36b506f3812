#!/usr/bin/env bash
# The gateway's CPU per request, this tree's against a baseline git ref, interleaved on one stack
# (issue 12): a shared machine's load moves from minute to minute, so the two gateways take turns
# (A B B A ...) under the same load, beside a pgbench -S reference, and the medians are compared.
#
#   scripts/bench/gateway-ab.sh [--rounds N] [--seconds S] BASE_REF
#
# Brings up a stack from this tree (subnet 127.0.3, state under /tmp) with pgbench's tables: its
# gateway (gw1, 127.0.3.41) is "new". The baseline's gateway-lite.jar, built from BASE_REF in a
# temporary directory (git archive, no worktree), runs beside it on 127.0.3.42 with gw1's
# environment and JVM options: "base". Each round: scripts/bench/cpu-split.py --scope on each
# (wrk -t2 -c100 on the pgbench query), then pgbench -S through HAProxy's replicas port. Prints
# every run and the medians. Takes the stack down at the end, also on failure. Run it under the
# heavy lock: flock /tmp/madbase-heavy.lock scripts/bench/gateway-ab.sh BASE_REF
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
rounds=5
seconds=10
while [ $# -gt 1 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--seconds S] BASE_REF" >&2; exit 2 ;;
  esac
done
[ $# -eq 1 ] || { echo "usage: $0 [--rounds N] [--seconds S] BASE_REF" >&2; exit 2; }
base_ref=$1
git rev-parse --verify -q "$base_ref^{commit}" >/dev/null || { echo "gateway-ab: no commit $base_ref" >&2; exit 2; }
for t in wrk pgbench; do command -v $t >/dev/null || { echo "gateway-ab: $t is missing (scripts/install-deps.sh --bench)" >&2; exit 3; }; done
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

work=$(mktemp -d /tmp/madbase-ab.XXXXXX)
chmod 755 "$work"
st="$work/state"
base_pid=
cleanup() {
  [ -n "$base_pid" ] && kill "$base_pid" 2>/dev/null && wait "$base_pid" 2>/dev/null || true
  ./madbase down --purge --state-dir "$st" -q >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "gateway-ab: building the baseline ($base_ref)"
mkdir "$work/base"
git archive "$base_ref" | tar -x -C "$work/base"
(cd "$work/base" && mvn -B -q -o -Dmaven.test.skip=true package -pl gateway-lite -am >"$work/build.log" 2>&1) \
  || (cd "$work/base" && mvn -B -q -Dmaven.test.skip=true package -pl gateway-lite -am >"$work/build.log" 2>&1) \
  || { cat "$work/build.log" >&2; exit 4; }

printf 'name: ab\nlocal:\n  subnet: 127.0.3\nworkers:\n  count: 0\n' >"$work/madbase.yaml"
./madbase up -q -f "$work/madbase.yaml" --state-dir "$st" >/dev/null
PGPASSWORD=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["app"])' "$st/secrets.json")
export PGPASSWORD
pgbench -i -s 1 -q -h 127.0.3.10 -p 5433 -U madbase_app madbase >/dev/null 2>&1

# the baseline gateway: gw1's environment (its rendered env file) and JVM options, its own address;
# its jar is copied under the state dir so cpu-split --scope counts it with the stack
gw1=$(./madbase status -o json --state-dir "$st" | python3 -c 'import json,sys; print([m["pid"] for m in json.load(sys.stdin)["members"] if m["name"]=="gw1"][0])')
env_file=$(find "$st" -name gw1.env | head -1)
opts=$(tr '\0' '\n' </proc/"$gw1"/cmdline | grep '^-X' | tr '\n' ' ')
cp "$work/base/gateway-lite/target/gateway-lite.jar" "$st/base-gateway-lite.jar"
(
  set -a
  . "$env_file"
  set +a
  export BIND_HOST=127.0.3.42 GATEWAY_NAME=base
  # shellcheck disable=SC2086
  exec java $opts -jar "$st/base-gateway-lite.jar" >"$work/base-gateway.log" 2>&1
) &
base_pid=$!
for _ in $(seq 1 120); do
  curl -sf http://127.0.3.42:8080/ready >/dev/null 2>&1 && break
  sleep 0.5
done
curl -sf http://127.0.3.42:8080/ready >/dev/null || { echo "gateway-ab: the baseline gateway is not ready" >&2; tail -20 "$work/base-gateway.log" >&2; exit 3; }

q='/rest/v1/pgbench_accounts?aid=eq.1&select=abalance'
declare -A url=([new]="http://127.0.3.41:8080$q" [base]="http://127.0.3.42:8080$q")
# warm both (JIT, pools, caches), not measured
for g in new base; do wrk -t2 -c100 -d20s "${url[$g]}" >/dev/null; done

split() { python3 scripts/bench/cpu-split.py --scope "$st" "$@"; }
declare -A us rps
pg_tps=()
for i in $(seq 1 "$rounds"); do
  # alternate the order, so neither always runs first after pgbench
  order="new base"; [ $((i % 2)) -eq 0 ] && order="base new"
  for g in $order; do
    out=$(split wrk -t2 -c100 -d"${seconds}s" "${url[$g]}")
    r=$(echo "$out" | awk '/requests\/s/ {print $1}')
    u=$(echo "$out" | awk '$1=="gateway" {print $2}')
    echo "round $i $g: $r req/s, gateway $u us/request"
    rps[$g]+="$r "; us[$g]+="$u "
  done
  t=$(pgbench -S -n -c 10 -j 2 -T "$seconds" -h 127.0.3.10 -p 5434 -U madbase_app madbase 2>/dev/null | awk '/^tps/ {print $3}')
  echo "round $i pgbench -S: $t tps"
  pg_tps+=("$t")
done
median() { python3 -c 'import statistics,sys; print(format(statistics.median(float(x) for x in sys.argv[1:]), ".1f"))' "$@"; }
m_pg=$(median "${pg_tps[@]}")
echo
echo "medians over $rounds rounds of ${seconds} s (load average now: $(cut -d' ' -f1-3 /proc/loadavg)):"
echo "  pgbench -S: $m_pg tps"
for g in base new; do
  # shellcheck disable=SC2086
  m_r=$(median ${rps[$g]}); m_u=$(median ${us[$g]})
  echo "  $g ($([ $g = base ] && echo "$base_ref" || git rev-parse --short HEAD)): $m_r req/s ($(python3 -c "print(format($m_r / $m_pg, '.2f'))") x pgbench -S), gateway $m_u us/request"
done
