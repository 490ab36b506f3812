#!/usr/bin/env python3
"""CPU time per request, by process group, while a load command runs.

    scripts/bench/cpu-split.py [--scope DIR] wrk -t2 -c100 -d10s URL
    scripts/bench/cpu-split.py [--scope DIR] pgbench -S -n -c 10 -j 2 -T 10 -h HOST -p PORT -U USER DB

Reads every process's user+system CPU from /proc before and after the command, groups them (the
gateway JVM, HAProxy, PostgreSQL, Patroni, the rest) and divides by the requests the command
reports (wrk's Requests/sec, pgbench's tps, times the elapsed time). --scope DIR counts a process
in its group only when its command line, or an ancestor's, names DIR (a stack's state directory:
another stack on the same machine, its gateway included, is then "other"). A process's time includes
its exited children's (PostgreSQL's backends end with pgbench's connections; the postmaster
reaps them), and the load command's own time is shown on its own line. Linux only; reads /proc,
writes nothing.
"""
import os
import re
import resource
import subprocess
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


SCOPE = None


def in_scope(pid, procs):
    """Whether pid or one of its ancestors has SCOPE in its command line."""
    seen = set()
    while pid in procs and pid not in seen:
        seen.add(pid)
        cmd, ppid = procs[pid]
        if SCOPE in cmd:
            return True
        pid = ppid
    return False


def snapshot():
    out = {}
    procs = {}
    me = str(os.getpid())
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if pid == me:
            continue  # its children's time is the load command's, counted apart
        try:
            stat = open(f"/proc/{pid}/stat").read()
            cmd = open(f"/proc/{pid}/cmdline").read().replace("\0", " ")
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        procs[pid] = (cmd, fields[1])
        # utime, stime, and cutime, cstime: the children it has reaped
        out[pid] = (group(comm, cmd), sum(int(f) for f in fields[11:15]) / HZ)
    if SCOPE:
        out = {p: (g if in_scope(p, procs) else "other", t) for p, (g, t) in out.items()}
    return out


def group(comm, cmd):
    if "Main gateway" in cmd or "gateway-lite.jar" in cmd:
        return "gateway"
    if comm.startswith("haproxy"):
        return "haproxy"
    if comm.startswith(("postgres", "postmaster")):
        return "postgres"
    if "patroni" in cmd:
        return "patroni"
    return "other"


def main():
    global SCOPE
    if len(sys.argv) > 2 and sys.argv[1] == "--scope":
        SCOPE = sys.argv[2]
        del sys.argv[1:3]
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    before = snapshot()
    tool0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    out = subprocess.run(sys.argv[1:], capture_output=True, text=True).stdout
    elapsed = time.monotonic() - t0
    after = snapshot()
    tool1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    m = re.search(r"Requests/sec:\s+([\d.]+)", out) or re.search(r"tps = ([\d.]+)", out)
    if not m:
        sys.exit("cpu-split: the command reported no Requests/sec or tps:\n" + out)
    rate = float(m.group(1))
    requests = rate * elapsed
    cpu = {}
    for pid, (g, t) in after.items():
        cpu[g] = cpu.get(g, 0) + t - before.get(pid, (g, 0))[1]
    cpu[sys.argv[1]] = (tool1.ru_utime + tool1.ru_stime) - (tool0.ru_utime + tool0.ru_stime)
    print(f"{rate:.0f} requests/s over {elapsed:.1f} s")
    for g, t in sorted(cpu.items(), key=lambda x: -x[1]):
        print(f"  {g:9s} {t / requests * 1e6:7.1f} us/request  {t / elapsed * 100:5.1f} % of a core")


if __name__ == "__main__":
    main()
