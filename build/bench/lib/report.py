"""Turns build/bench/run.sh's raw output into markdown tables.

report.py rates WORK                      -> the fixed rates: 1000 and 25/50/75% of the slowest proxy's maximum
report.py report WORK CLK_TCK SECONDS     -> report.md on standard output
"""
import csv
import math
import re
import sys
from pathlib import Path

PROXIES = ["mesh", "yarp", "nginx", "haproxy"]
ORDER = ["direct", "kestrel", "mesh", "mesh-jit", "mesh-defaults", "yarp", "nginx", "haproxy"]
NAMES = {"direct": "direct (no proxy)", "kestrel": "bare Kestrel (answers itself, no forwarding)", "mesh": "Mesh proxy (Native AOT, shipped)", "mesh-jit": "Mesh proxy on the JIT", "mesh-defaults": "Mesh proxy on the JIT, .NET default runtime settings", "yarp": "plain YARP", "nginx": "nginx", "haproxy": "haproxy"}


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def wrk_summary(text):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    total = int(re.search(r"(\d+) requests in", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(int(g) for g in sockets.groups()) if sockets else 0)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    return rps, total, errors, p99.group(1) if p99 else "-"


def maxima(work):
    best = {}
    for row in rows(Path(work) / "sweep.tsv"):
        rps, total, errors, p99 = wrk_summary(Path(row["output"]).read_text())
        current = best.get(row["target"])
        if current is None or rps > current["rps"]:
            best[row["target"]] = dict(rps=rps, total=total, errors=errors, p99=p99, connections=row["connections"],
                                       ticks=int(row["cpu_ticks"]), rss=row["peak_rss_kib"], load=row["load_average"])
    return best


def fixed_rates(work):
    best = maxima(work)
    slowest = min(best[t]["rps"] for t in PROXIES if t in best) if any(t in best for t in PROXIES) else best["direct"]["rps"]
    rates = {1000} | {int(round(slowest * share / 100.0)) for share in (25, 50, 75)}
    return sorted(rates)


def percentile(sorted_values, p):
    if not sorted_values:
        return math.nan
    index = min(len(sorted_values) - 1, max(0, math.ceil(p / 100.0 * len(sorted_values)) - 1))
    return sorted_values[index]


def h2load_summary(text):
    """(done, errors) from h2load's summary lines, which openloop prints too; an error is any request without a 2xx."""
    m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout", text)
    total, done = int(m.group(1)), int(m.group(3))
    codes = re.search(r"status codes: (\d+) 2xx", text)
    ok = int(codes.group(1)) if codes else 0
    return done, total - ok


def latencies_ms(log):
    values = []
    with open(log) as f:
        for line in f:
            parts = line.split("\t")
            if len(parts) >= 3 and parts[1].startswith("2"):
                values.append(int(parts[2]) / 1000.0)
    values.sort()
    return values


def fmt(value, digits=2):
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.{digits}f}"


def added(value, base):
    return "-" if base is None else f"{value - base:+.3f}"


RATE_TOOLS = {
    "openloop": "openloop: evenly spaced sends over the connections, latency from each request's intended send time",
    "h2load": "h2load --h1 --rps: each connection on its own timer, so requests arrive in bursts of one per connection",
}


def report(work, clk_tck, seconds, rate_tool):
    work = Path(work)
    out = []
    out.append("```")
    out.append((work / "machine.txt").read_text().rstrip())
    out.append("```")
    out.append("")
    best = maxima(work)
    nginx = best.get("nginx", {}).get("rps")
    out.append("### Maximum rate (closed loop, wrk -t1, best of the connection counts)")
    out.append("")
    out.append("| target | connections | requests/s | vs nginx | errors | p99 (wrk) | CPU s / 1,000 req | peak RSS MiB | load avg |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for target in ORDER:
        if target not in best:
            continue
        b = best[target]
        cpu = b["ticks"] / clk_tck / b["total"] * 1000 if target != "direct" else None
        rss = int(b["rss"]) / 1024 if b["rss"] else None
        ratio = f"{b['rps'] / nginx:.2f}" if nginx and target != "direct" else "-"
        out.append(f"| {NAMES[target]} | {b['connections']} | {b['rps']:,.0f} | {ratio} | {b['errors']} | {b['p99']} | {fmt(cpu, 3)} | {fmt(rss, 1)} | {b['load']} |")
    out.append("")
    out.append(f"### Fixed rate ({RATE_TOOLS[rate_tool]}; {seconds:.0f} s per run; latency in ms; added = minus direct at the same rate)")
    out.append("")
    out.append("| target | rate | achieved/s | errors | p50 | p99 | p99.9 | added p50 | added p99 | added p99.9 | CPU s / 1,000 req | peak RSS MiB | load avg |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    runs = rows(work / "rate.tsv")
    direct = {}
    for row in runs:
        if row["target"] == "direct":
            values = latencies_ms(row["log"])
            direct[row["rate"]] = [percentile(values, p) for p in (50, 99, 99.9)]
    for row in sorted(runs, key=lambda r: (int(r["rate"]), ORDER.index(r["target"]))):
        done, errors = h2load_summary(Path(row["output"]).read_text())
        values = latencies_ms(row["log"])
        p = [percentile(values, q) for q in (50, 99, 99.9)]
        base = direct.get(row["rate"]) if row["target"] != "direct" else None
        adds = [added(p[i], base[i] if base else None) for i in range(3)]
        cpu = int(row["cpu_ticks"]) / clk_tck / done * 1000 if row["target"] != "direct" and done else None
        rss = int(row["peak_rss_kib"]) / 1024 if row["peak_rss_kib"] else None
        out.append(f"| {NAMES[row['target']]} | {int(row['rate']):,} | {len(values) / seconds:,.0f} | {errors} | {fmt(p[0], 3)} | {fmt(p[1], 3)} | {fmt(p[2], 3)} | "
                   f"{adds[0]} | {adds[1]} | {adds[2]} | {fmt(cpu, 3)} | {fmt(rss, 1)} | {row['load_average']} |")
    out.append("")
    out.append("Commands (in order):")
    out.append("")
    out.append("```")
    out.append((work / "commands.txt").read_text().rstrip())
    out.append("```")
    return "\n".join(out)


def pooled(rate, works):
    """Percentiles of one fixed rate over the requests of several runs together (repeated runs of run.sh)."""
    out = ["| target | requests | p50 | p99 | p99.9 | added p50 | added p99 | added p99.9 |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    direct = None
    for target in ORDER:
        values = []
        for work in works:
            for row in rows(Path(work) / "rate.tsv"):
                if row["target"] == target and row["rate"] == rate:
                    values += latencies_ms(row["log"])
        if not values:
            continue
        values.sort()
        p = [percentile(values, q) for q in (50, 99, 99.9)]
        if target == "direct":
            direct = p
        adds = [added(p[i], direct[i] if direct and target != "direct" else None) for i in range(3)]
        out.append(f"| {NAMES[target]} | {len(values):,} | {fmt(p[0], 3)} | {fmt(p[1], 3)} | {fmt(p[2], 3)} | {adds[0]} | {adds[1]} | {adds[2]} |")
    return "\n".join(out)


if __name__ == "__main__":
    if sys.argv[1] == "pool":
        print(pooled(sys.argv[2], sys.argv[3:]))
    elif sys.argv[1] == "rates":
        print(" ".join(str(r) for r in fixed_rates(sys.argv[2])))
    else:
        print(report(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5] if len(sys.argv) > 5 else "h2load"))
