#!/usr/bin/env bash
# Benchmark of `madbase loadtest` and of the gateway, in one run on one machine (issue 6):
#   (1) the gateway at 500 req/s over 1000 connections: simple reads, then simple writes
#       (p99, errors, gateway RSS and threads, pool-leak check);
#   (2) the generator's ceiling on a trivial endpoint (the gateway's /health) next to wrk's on the
#       same endpoint, as a ratio;
#   (3) the gateway's highest simple-query throughput next to `pgbench -S` on the same database
#       (the same query: SELECT abalance FROM pgbench_accounts WHERE aid = ?), as a ratio.
# Every measurement is repeated (--runs N, default 3) and the medians are written to
# docs/BENCHMARKS.md (between its loadtest-bench markers), with the machine described.
#
#   scripts/bench/loadtest.sh [--runs N] [--no-doc]
#
# Brings up its own stack (state dir under /tmp, loopback subnet 127.0.6) and takes it down at the
# end, also on failure. Sends traffic only to 127.0.6.x. Takes 15 to 25 minutes with 3 runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

runs=3
write_doc=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --no-doc) write_doc=0; shift ;;
    *) echo "usage: $0 [--runs N] [--no-doc]" >&2; exit 2 ;;
  esac
done

scripts/install-deps.sh --bench
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
command -v wrk >/dev/null || { echo "bench: wrk is missing" >&2; exit 3; }
command -v pgbench >/dev/null || { echo "bench: pgbench is missing" >&2; exit 3; }

subnet=127.0.6
work=$(mktemp -d /tmp/madbase-bench.XXXXXX)
chmod 755 "$work"
state="$work/.madbase"
out="$work/results"
mkdir -p "$out"
cat >"$work/madbase.yaml" <<YAML
name: bench
local:
  subnet: $subnet
workers:
  count: 0
YAML

mb() { "$root/madbase" "$@"; }
cleanup() {
  mb down --purge --state-dir "$state" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# jget FILE PATH: a value from a JSON file (dotted path), via python3 (Patroni's dependency)
jget() { python3 -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[k]
print(v)' "$1" "$2"; }
median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
fmt() { python3 -c 'import sys; print(format(float(sys.argv[1]), sys.argv[2]))' "$1" "$2"; }

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: bringing up a stack on $subnet.x in $state"
mb up -f "$work/madbase.yaml" --state-dir "$state" -q >/dev/null
gw="http://$subnet.41:8080"
haproxy="$subnet.10"
export PGPASSWORD
PGPASSWORD=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["app"])' "$state/secrets.json")
query_path='/rest/v1/pgbench_accounts?aid=eq.1&select=abalance'

# pgbench's tables in the gateway's database, created through HAProxy's primary port
pgbench -i -s 1 -q -h "$haproxy" -p 5433 -U madbase_app madbase >/dev/null 2>&1
# warm every path once (JIT, pools, caches), not measured
mb loadtest --state-dir "$state" --rate 2000 -c 100 -d 5s -q -o json >/dev/null || true
mb loadtest --state-dir "$state" --path "$query_path" --rate 2000 -c 100 -d 5s -q -o json >/dev/null || true
# the write path too: on a slower machine the first measured writes on a cold path had a p99 of 5 s
mb loadtest --state-dir "$state" --mix 0:1 --rate 500 -c 100 -d 10s -q -o json >/dev/null || true
wrk -t2 -c100 -d3s "$gw/health" >/dev/null

# ladder URL START: the highest rate the open-model generator sustains on URL (5 s after a 2 s
# warmup: achieved >= 97% of the rate asked, so no queue of more than ~0.15 s built up; no errors;
# no request left unsent), climbing from START in steps of 10% of START until a step fails;
# prints "rate achieved"
climb() {
  local url="$1" start="$2" best=0 best_achieved=0 rate step f achieved errors notsent
  step=$(python3 -c "print(max(100, int($start * 0.1)))")
  rate=$start
  for _ in $(seq 1 15); do
    f="$out/ladder-$RANDOM.json"
    mb loadtest --url "$url" --rate "$rate" -c 100 -d 5s --warmup 2s -q -o json >"$f" || true
    achieved=$(jget "$f" result.throughput.requests_per_second)
    errors=$(jget "$f" result.counts.errors)
    notsent=$(jget "$f" result.counts.not_sent)
    if python3 -c "import sys; sys.exit(0 if $achieved >= 0.97 * $rate and $errors == 0 and $notsent == 0 else 1)"; then
      best=$rate
      best_achieved=$achieved
      rate=$((rate + step))
    else
      break
    fi
  done
  echo "$best $best_achieved"
}
# a start that already fails is halved (at most three times)
ladder() {
  local url="$1" start="$2" best achieved
  for _ in 1 2 3; do
    read -r best achieved < <(climb "$url" "$start")
    if [ "$best" != 0 ]; then
      echo "$best $achieved"
      return
    fi
    start=$((start / 2))
  done
  echo "0 0"
}

declare -a r_p99 r_p999 r_err r_rss r_thr w_p99 w_p999 w_err w_rss w_thr leaks wrk_health gen_health pg_s gw_wrk gw_gen
for i in $(seq 1 "$runs"); do
  echo "bench: run $i of $runs"
  # (1) 500 req/s over 1000 connections, 30 s: reads, then writes (pool-leak check on both)
  f="$out/reads-$i.json"
  mb loadtest --state-dir "$state" --path '/rest/v1/items?id=eq.1' --rate 500 -c 1000 -d 30s --check-pool-leaks -q -o json >"$f" || true
  r_p99+=("$(jget "$f" result.latency.p99)"); r_p999+=("$(jget "$f" result.latency.p999)")
  r_err+=("$(jget "$f" result.counts.errors)"); r_rss+=("$(jget "$f" gateway.rss_peak_mib)"); r_thr+=("$(jget "$f" gateway.threads_peak)")
  leaks+=("$(jget "$f" pool_leaks.leak)")
  f="$out/writes-$i.json"
  mb loadtest --state-dir "$state" --mix 0:1 --rate 500 -c 1000 -d 30s --check-pool-leaks -q -o json >"$f" || true
  w_p99+=("$(jget "$f" result.latency.p99)"); w_p999+=("$(jget "$f" result.latency.p999)")
  w_err+=("$(jget "$f" result.counts.errors)"); w_rss+=("$(jget "$f" gateway.rss_peak_mib)"); w_thr+=("$(jget "$f" gateway.threads_peak)")
  leaks+=("$(jget "$f" pool_leaks.leak)")

  # (2) trivial endpoint: wrk (closed loop, 2 threads, 100 connections) then the generator's ladder
  wrk_rps=$(wrk -t2 -c100 -d10s "$gw/health" | awk '/Requests\/sec/ {print $2}')
  wrk_health+=("$wrk_rps")
  read -r _ gen_rps < <(ladder "$gw/health" "$(python3 -c "print(int($wrk_rps * 0.5))")")
  gen_health+=("$gen_rps")

  # (3) the same query: pgbench -S (10 clients, the gateway's pool size) through HAProxy's replicas
  # port, the gateway's read path; then wrk and the generator on the gateway
  pg_s+=("$(pgbench -S -n -c 10 -j 2 -T 10 -h "$haproxy" -p 5434 -U madbase_app madbase 2>/dev/null | awk '/^tps/ {print $3}')")
  gw_wrk_rps=$(wrk -t2 -c100 -d10s "$gw$query_path" | awk '/Requests\/sec/ {print $2}')
  gw_wrk+=("$gw_wrk_rps")
  read -r _ gen_rps < <(ladder "$gw$query_path" "$(python3 -c "print(int($gw_wrk_rps * 0.5))")")
  gw_gen+=("$gen_rps")
done

m_wrk=$(median "${wrk_health[@]}"); m_gen=$(median "${gen_health[@]}")
m_pg=$(median "${pg_s[@]}"); m_gw_wrk=$(median "${gw_wrk[@]}"); m_gw_gen=$(median "${gw_gen[@]}")
ratio() { python3 -c "print(format($1 / $2 if $2 else 0, '.2f'))"; }
# lst FORMAT VALUES...: the values of every run, formatted, comma-separated
lst() { python3 -c 'import sys; print(", ".join(format(float(v), sys.argv[1]) for v in sys.argv[2:]))' "$@"; }

machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/^Mem:/ {print $2}') GiB memory, kernel $(uname -r), $(java -version 2>&1 | head -1)"
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
section=$(cat <<MD
<!-- loadtest-bench:start (written by scripts/bench/loadtest.sh; do not edit by hand) -->
## madbase loadtest and the gateway ($(date -u +%Y-%m-%d), $runs runs, medians)

Machine: $machine. Load average (1, 5, 15 min) at the start: $load_start; at the end: $load_end
(the benchmark's own processes count in it). Everything (stack, gateway, generator, wrk, pgbench)
ran on this one 2-core machine, so every tool competes with the server it measures for the same
two cores: the figures are noisy and far below what separate machines would show.

### (1) The gateway at 500 req/s over 1000 connections (30 s, 2 s warmup)

| workload | p99 | p99.9 | errors | gateway RSS peak | gateway threads peak | pool leak |
|---|---|---|---|---|---|---|
| reads \`GET /rest/v1/items?id=eq.1\` | $(fmt "$(median "${r_p99[@]}")" .1f) ms | $(fmt "$(median "${r_p999[@]}")" .1f) ms | $(fmt "$(median "${r_err[@]}")" .0f) | $(fmt "$(median "${r_rss[@]}")" .0f) MiB | $(fmt "$(median "${r_thr[@]}")" .0f) | $(echo "${leaks[@]}" | grep -q True && echo "yes (see runs)" || echo none) |
| writes \`POST /rest/v1/items\` | $(fmt "$(median "${w_p99[@]}")" .1f) ms | $(fmt "$(median "${w_p999[@]}")" .1f) ms | $(fmt "$(median "${w_err[@]}")" .0f) | $(fmt "$(median "${w_rss[@]}")" .0f) MiB | $(fmt "$(median "${w_thr[@]}")" .0f) | |

Per run, p99 of reads: $(lst .1f "${r_p99[@]}") ms; of writes: $(lst .1f "${w_p99[@]}") ms. Target: p99 < 50 ms, no errors.

### (2) The generator's ceiling next to wrk, on the gateway's \`/health\`

| tool | req/s (median) | runs |
|---|---|---|
| wrk 4.1 (\`-t2 -c100\`, closed loop) | $(fmt "$m_wrk" .0f) | $(lst .0f "${wrk_health[@]}") |
| madbase loadtest (\`-c 100\`, open model, highest rate sustained: achieved >= 97 % of it, no errors) | $(fmt "$m_gen" .0f) | $(lst .0f "${gen_health[@]}") |
| **ratio** | **$(ratio "$m_gen" "$m_wrk")** | target >= 0.8 |

### (3) The gateway's highest simple-query throughput next to \`pgbench -S\`

The same query on the same database: \`pgbench -S\` (\`SELECT abalance FROM pgbench_accounts WHERE aid = ?\`,
10 clients = the gateway's pool size, through HAProxy's replicas port as the gateway reads) and
\`GET $query_path\` through the gateway.

| client | req/s (median) | runs | ratio to pgbench -S |
|---|---|---|---|
| pgbench -S (\`-c 10 -j 2\`) | $(fmt "$m_pg" .0f) | $(lst .0f "${pg_s[@]}") | 1 |
| wrk on the gateway (\`-t2 -c100\`) | $(fmt "$m_gw_wrk" .0f) | $(lst .0f "${gw_wrk[@]}") | **$(ratio "$m_gw_wrk" "$m_pg")** |
| madbase loadtest on the gateway (\`-c 100\`, highest rate sustained) | $(fmt "$m_gw_gen" .0f) | $(lst .0f "${gw_gen[@]}") | $(ratio "$m_gw_gen" "$m_pg") |

Target: the gateway at >= 0.5 x pgbench -S.
<!-- loadtest-bench:end -->
MD
)
echo "$section"
if [ "$write_doc" = 1 ]; then
  doc=docs/BENCHMARKS.md
  [ -f "$doc" ] || printf '# Benchmarks\n\nMeasured figures, each section written by the script named in it.\n' >"$doc"
  python3 - "$doc" "$section" <<'PY'
import re, sys
path, section = sys.argv[1], sys.argv[2]
text = open(path).read()
pattern = re.compile(r"<!-- loadtest-bench:start.*?<!-- loadtest-bench:end -->", re.S)
text = pattern.sub(lambda m: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
  echo "bench: wrote $doc"
fi
