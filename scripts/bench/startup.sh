#!/usr/bin/env bash
# How long `madbase --help` takes to start, into BENCHMARKS.md: the launcher as it ships (JVM flags
# for a short-lived command and the class data sharing archive it makes once per jar) against the
# same launcher without the archive and against plain `java -jar`; the JVM's own floor
# (`java -Xshare:auto -version`) is measured beside them as the reference. The four are run in
# turns, RUNS times each (default 15), so that a busy moment of the machine falls on all of them.
#   scripts/bench/startup.sh [RUNS]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
runs=${1:-15}
cd "$bench_root"
./madbase --version >/dev/null   # builds the jar and the archive first, outside the timing
jar=cli/target/madbase.jar
[ -s "${jar%.jar}.jsa" ] || { echo "startup.sh: no class data sharing archive was made (see the launcher)" >&2; exit 3; }
fast="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto"
work=$(mktemp -d /tmp/madbase-bench-startup.XXXXXX)
trap 'rm -rf "$work"' EXIT

time_once() { # NAME COMMAND...: appends the wall time in ms to $work/NAME
  local name=$1; shift
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 )) >> "$work/$name"
}
for _ in $(seq 1 "$runs"); do
  time_once floor java -Xshare:auto -version
  time_once plain java -jar "$jar" --help
  time_once no-archive env MADBASE_JAVA_OPTS="$fast" ./madbase --help
  time_once shipped ./madbase --help
done
m() { median < "$work/$1"; }
floor=$(m floor); plain=$(m plain); noarch=$(m no-archive); shipped=$(m shipped)
ratio() { echo "scale=2; $1 / $2" | bc; }
body=$(mktemp)
cat > "$body" <<MD
## CLI start: \`madbase --help\` ($(date -u +%Y-%m-%d), $runs runs each, in turns, medians)

$(machine)

| how it starts | median | × the JVM's floor |
|---|---|---|
| \`java -Xshare:auto -version\` (the JVM alone: the floor) | ${floor} ms | 1.00 |
| \`java -jar madbase.jar --help\` (no flags) | ${plain} ms | $(ratio "$plain" "$floor") |
| \`./madbase --help\` without the archive (\`MADBASE_JAVA_OPTS="$fast"\`) | ${noarch} ms | $(ratio "$noarch" "$floor") |
| \`./madbase --help\` as shipped (those flags + the class data sharing archive) | ${shipped} ms | $(ratio "$shipped" "$floor") |

The archive (\`cli/target/madbase.jsa\`) holds the classes \`--help\` loads; the launcher makes it
the first time a new jar runs. Written by \`scripts/bench/startup.sh\`.
MD
replace_section startup "$body"
rm -f "$body"
cat "$work"/* >/dev/null
echo "startup: floor ${floor} ms, plain ${plain} ms, without archive ${noarch} ms, shipped ${shipped} ms"
