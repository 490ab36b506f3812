#!/usr/bin/env bash
# Installs what madbase and its tests need on Debian 12, from Debian's packages. Idempotent, and
# quick when everything is already there (it only calls apt-get for what is missing).
#   scripts/install-deps.sh           stack + build + tests
#   scripts/install-deps.sh --bench   also the benchmark tools (wrk)
set -euo pipefail

packages=(
  # the stack (docs/running-natively.md has the versions it was measured with)
  postgresql-15 patroni etcd-server etcd-client haproxy redis-server redis-sentinel redis-tools
  # build
  openjdk-17-jdk-headless maven
  # process tools the local driver uses: setpriv (util-linux), ss (iproute2), ps (procps)
  util-linux iproute2 procps
  # network faults on the local driver: partitions are nft rules on each member's cgroup (nftables);
  # tc (iproute2) for qdiscs; iptables for the docker driver's partitions inside a container
  nftables iptables
)
# The docker driver: the engine (dockerd, containerd, runc), Compose v1 (the rendered project run by
# hand, and `docker-compose config` to validate one), and debootstrap to build a Debian base image
# when no registry answers. --no-install-recommends keeps what they merely suggest out.
norecommends=(docker.io docker-compose debootstrap)
[ "${1:-}" = "--bench" ] && packages+=(wrk postgresql-contrib)

missing() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

need=($(missing "${packages[@]}"))
need_norec=($(missing "${norecommends[@]}"))
if [ ${#need[@]} -eq 0 ] && [ ${#need_norec[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps: run as root (or install sudo): missing ${need[*]} ${need_norec[*]}" >&2; exit 3; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${need[*]} ${need_norec[*]}"
# the package lists may be stale on a fresh machine: update once, only when something is missing
$sudo apt-get update -qq
[ ${#need[@]} -gt 0 ] && $sudo apt-get install -y -qq "${need[@]}" >/dev/null
[ ${#need_norec[@]} -gt 0 ] && $sudo apt-get install -y -qq --no-install-recommends "${need_norec[@]}" >/dev/null
left=($(missing "${packages[@]}" "${norecommends[@]}"))
if [ ${#left[@]} -gt 0 ]; then
  echo "install-deps: still missing after apt-get: ${left[*]}" >&2
  exit 3
fi
echo "install-deps: done"
