#!/usr/bin/env bash
# Puts Debian 13's Patroni (4.0.x) beside Debian 12's, for `local.patroni` / PATRONI= in the
# failover bench: downloads the .deb named by trixie's package index, checks its SHA256 against
# that index, unpacks it with `dpkg -x` (nothing is installed) and writes a wrapper that runs it
# with Debian 12's python3 and the Python modules Debian 12's patroni package pulled in.
#
#   scripts/bench/patroni-from-trixie.sh [DIR]     # default DIR: /opt/patroni-<version>
#
# Prints the wrapper's path; then e.g.
#   PATRONI=/opt/patroni-4.0.7/patroni scripts/bench/failover.sh 5 freeze-primary
set -euo pipefail

mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
command -v patroni >/dev/null || { echo "patroni-from-trixie: run scripts/install-deps.sh first (it installs Debian 12's patroni and its Python modules)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

curl -fsS -m 300 -o "$work/Packages.xz" "$mirror/dists/trixie/main/binary-amd64/Packages.xz"
read -r version filename sha256 < <(xz -dc "$work/Packages.xz" | awk '
  /^Package: /  { p = ($2 == "patroni") }
  p && /^Version: /  { v = $2 }
  p && /^Filename: / { f = $2 }
  p && /^SHA256: /   { s = $2 }
  /^$/ && p { print v, f, s; exit }')
[[ -n ${filename:-} ]] || { echo "patroni-from-trixie: no patroni package in trixie's index" >&2; exit 1; }

upstream=${version%%-*}
dir=${1:-/opt/patroni-$upstream}
curl -fsS -m 300 -o "$work/patroni.deb" "$mirror/$filename"
echo "$sha256  $work/patroni.deb" | sha256sum -c --quiet -

rm -rf "$dir"
mkdir -p "$dir"
dpkg -x "$work/patroni.deb" "$dir"
cat > "$dir/patroni" <<WRAPPER
#!/bin/sh
# Debian 13's patroni $version, unpacked by scripts/bench/patroni-from-trixie.sh
PYTHONPATH=$dir/usr/lib/python3/dist-packages exec /usr/bin/python3 $dir/usr/bin/patroni "\$@"
WRAPPER
chmod 755 "$dir/patroni"
chmod -R a+rX "$dir"
echo "$("$dir/patroni" --version) -> $dir/patroni"
