# Shared by the benchmark scripts: machine description and section replacement in BENCHMARKS.md.
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench_doc="$bench_root/docs/BENCHMARKS.md"

machine() {
  echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))," \
       "$(free -g | awk '/Mem:/{print $2}') GiB RAM, $(uname -sr), $(. /etc/os-release && echo "$PRETTY_NAME")," \
       "$(java -version 2>&1 | head -1)"
}

# replace_section NAME FILE: puts FILE's content between <!-- bench:NAME:start/end --> markers
replace_section() {
  local name=$1 body=$2
  [ -f "$bench_doc" ] || printf '# Benchmarks\n\nMeasured on the machines madbase is developed on; each section is rewritten by the script named in it.\n' > "$bench_doc"
  python3 - "$bench_doc" "$name" "$body" <<'PY'
import sys, re
doc, name, body = sys.argv[1], sys.argv[2], open(sys.argv[3]).read().rstrip() + "\n"
text = open(doc).read()
start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
block = f"{start}\n{body}{end}\n"
if start in text:
    text = re.sub(re.escape(start) + ".*?" + re.escape(end) + "\n?", lambda m: block, text, flags=re.S)
else:
    text = text.rstrip() + "\n\n" + block
open(doc, "w").write(text)
PY
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
