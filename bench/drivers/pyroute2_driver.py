"""The pyroute2 leg of the rtnl benchmarks (Debian's python3-pyroute2, run
by /usr/bin/python3). IPRoute is opened inside the namespace: the process
setns()es into it first, then opens its socket, and reuses that one socket
for every request. Modes and arguments mirror bench/floor.c; prints one
JSON result line.

  create   NS COUNT PREFIX GROUP
  delete   NS COUNT PREFIX
  groupdel NS GROUP
  getlink  NS COUNT PREFIX MOD
  dump     NS REPEAT
  mem      NS                  peak Python heap (tracemalloc) and RSS of one get_links()
  codec    FILE ITER           decode every message of a recorded dump (no kernel)
  childrss CMD...              runs CMD, reports its peak RSS (used for `ip -j link show`)
"""
import json
import os
import resource
import struct
import subprocess
import sys
import time


_cpu_start = time.process_time()


def start_clock():
    """Starts a timed section: wall clock returned, CPU time (user + system) remembered for emit()."""
    global _cpu_start
    _cpu_start = time.process_time()
    return time.perf_counter()


def emit(result, who=resource.RUSAGE_SELF):
    result["cpuSeconds"] = time.process_time() - _cpu_start
    result["maxRssKb"] = resource.getrusage(who).ru_maxrss
    result["python"] = sys.version.split()[0]
    try:
        from importlib.metadata import version

        result["pyroute2"] = version("pyroute2")
    except Exception:  # the Debian package may lack metadata
        pass
    print(json.dumps(result), flush=True)


def open_ipr(ns):
    from pyroute2 import IPRoute
    from pyroute2.netns import setns

    setns(ns)
    return IPRoute()


def main(argv):
    mode = argv[0]
    if mode == "create":
        ns, count, prefix, group = argv[1], int(argv[2]), argv[3], int(argv[4])
        ipr = open_ipr(ns)
        extra = {"group": group} if group else {}
        # The same warm-up and idle time as every create leg (bench/floor.c, warm_up_creates).
        warm = int(os.environ.get("BENCH_WARM_PAIRS", "0"))
        for i in range(warm):
            ipr.link("add", ifname=f"{prefix}w{i}", kind="veth", peer=f"{prefix}v{i}", group=group + 1)
        if warm:
            ipr.link("del", group=group + 1)
        time.sleep(int(os.environ.get("BENCH_SETTLE_MS", "0")) / 1000)
        t0 = start_clock()
        for i in range(count):
            ipr.link("add", ifname=f"{prefix}a{i}", kind="veth", peer=f"{prefix}b{i}", **extra)
        emit({"mode": mode, "ops": count, "seconds": time.perf_counter() - t0})
    elif mode == "delete":
        ns, count, prefix = argv[1], int(argv[2]), argv[3]
        ipr = open_ipr(ns)
        t0 = start_clock()
        for i in range(count):
            ipr.link("del", ifname=f"{prefix}a{i}")
        emit({"mode": mode, "ops": count, "seconds": time.perf_counter() - t0})
    elif mode == "groupdel":
        ns, group = argv[1], int(argv[2])
        ipr = open_ipr(ns)
        t0 = start_clock()
        ipr.link("del", group=group)
        emit({"mode": mode, "ops": 1, "seconds": time.perf_counter() - t0})
    elif mode == "getlink":
        ns, count, prefix, mod = argv[1], int(argv[2]), argv[3], int(argv[4])
        names = [f"{prefix}a{i}" for i in range(mod)]
        ipr = open_ipr(ns)
        check = 0
        t0 = start_clock()
        for i in range(count):
            check += ipr.link("get", ifname=names[i % mod])[0].get_attr("IFLA_MTU")
        emit({"mode": mode, "ops": count, "seconds": time.perf_counter() - t0, "check": check})
    elif mode == "dump":
        ns, repeat = argv[1], int(argv[2])
        ipr = open_ipr(ns)
        samples = []
        links = 0
        start_clock()
        for _ in range(repeat):
            t0 = time.perf_counter()
            # get_links() parses every message; touching a field makes sure nothing is left lazy.
            got = ipr.get_links()
            links = sum(1 for m in got if m.get_attr("IFLA_IFNAME") is not None)
            samples.append(time.perf_counter() - t0)
        emit({"mode": mode, "ops": repeat, "seconds": sum(samples), "samples": samples, "links": links})
    elif mode == "mem":
        import gc
        import tracemalloc

        ns = argv[1]
        ipr = open_ipr(ns)
        ipr.get_links()  # warm-up, as the Node legs do
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        got = ipr.get_links()
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        emit({"mode": mode, "how": "collected", "links": len(got), "heapPeakBytes": peak - base, "heapLiveBytes": current - base})
    elif mode == "codec":
        from pyroute2.netlink.rtnl.ifinfmsg import ifinfmsg

        path, iters = argv[1], int(argv[2])
        with open(path, "rb") as f:
            data = f.read()
        msgs = []
        off = 0
        while off < len(data):
            (ln,) = struct.unpack_from("<I", data, off)
            msgs.append(data[off : off + ln])
            off += (ln + 3) & ~3
        t0 = time.perf_counter()
        for _ in range(iters):
            for b in msgs:
                m = ifinfmsg(b)
                m.decode()
        dt = time.perf_counter() - t0
        emit({"mode": mode, "ops": len(msgs) * iters, "seconds": dt, "messages": len(msgs), "bytes": len(data), "iterations": iters, "decodeSeconds": dt})
    elif mode == "childrss":
        t0 = time.perf_counter()
        subprocess.run(argv[1:], stdout=subprocess.DEVNULL, check=True)
        emit({"mode": mode, "seconds": time.perf_counter() - t0}, resource.RUSAGE_CHILDREN)
    else:
        raise SystemExit(f"pyroute2 driver: unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
