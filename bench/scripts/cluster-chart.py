#!/usr/bin/env python3
"""Draws the cluster simulation's results (bench/scripts/cluster-simulation.sh) as one HTML page of SVG charts.

    python3 bench/scripts/cluster-chart.py /work/results/redis out.html
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,460 \
        --screenshot=docs/images/cluster-scale.png out.html

For each design and Redis (single, cluster): the managed heap per server and the circuits of other servers it holds, by
number of servers, at the largest number of circuits per server measured; and the p99 delivery lag of cross-server
updates by achieved rate. The newest line of each (design, redis, servers, circuits) wins.
"""
import json
import sys
from pathlib import Path

source, output = Path(sys.argv[1]), Path(sys.argv[2])
COLORS = {("old", "single"): "#c0392b", ("new", "single"): "#1f6feb", ("new", "cluster"): "#2da44e", ("old", "cluster"): "#9a6700"}


def lines(name):
    path = source / name
    return [json.loads(l) for l in path.read_text().splitlines() if l.strip()] if path.exists() else []


def held(row):
    return max(int(x) for x in str(row["remote_circuits_held_per_server"]).split("/") if x != "")


scale = {}
for row in lines("scale.jsonl"):
    scale[(row["design"], row.get("redis", "single"), row["servers"], row["circuits_per_server"])] = row
circuits = max((k[3] for k in scale), default=0)
series = {}
for (design, redis, servers, n), row in sorted(scale.items()):
    if n == circuits:
        series.setdefault((design, redis), []).append((servers, row["heap_mb_per_server"], held(row)))

mutate = {}
for row in lines("mutate.jsonl"):
    mutate[(row["design"], row.get("redis", "single"), row["servers"], row.get("offered_per_s", 0))] = row


def chart(title, xlabel, ylabel, data, width=360, height=300):
    """data: {label: (color, [(x, y), ...])}; a line chart with points, linear axes from 0."""
    pad_l, pad_b, pad_t, pad_r = 56, 44, 30, 12
    xs = [x for _, pts in data.values() for x, _ in pts] or [1]
    ys = [y for _, pts in data.values() for _, y in pts] or [1]
    xmax, ymax = max(xs) * 1.05, max(ys) * 1.15 or 1

    def px(x):
        return pad_l + (width - pad_l - pad_r) * x / xmax

    def py(y):
        return height - pad_b - (height - pad_b - pad_t) * y / ymax

    out = [f'<svg width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui,sans-serif" font-size="11">',
           f'<text x="{width / 2}" y="16" text-anchor="middle" font-size="13" font-weight="600">{title}</text>',
           f'<line x1="{pad_l}" y1="{py(0)}" x2="{width - pad_r}" y2="{py(0)}" stroke="#888"/>',
           f'<line x1="{pad_l}" y1="{py(0)}" x2="{pad_l}" y2="{pad_t}" stroke="#888"/>',
           f'<text x="{(pad_l + width - pad_r) / 2}" y="{height - 8}" text-anchor="middle">{xlabel}</text>',
           f'<text x="12" y="{(pad_t + height - pad_b) / 2}" text-anchor="middle" transform="rotate(-90 12 {(pad_t + height - pad_b) / 2})">{ylabel}</text>']
    def fmt(v):
        return f"{v:,.0f}" if v >= 100 else f"{v:.2g}"

    for i in range(5):
        y = ymax / 1.15 * i / 4
        out.append(f'<text x="{pad_l - 4}" y="{py(y) + 4}" text-anchor="end">{fmt(y)}</text>')
        out.append(f'<line x1="{pad_l}" y1="{py(y)}" x2="{width - pad_r}" y2="{py(y)}" stroke="#eee"/>')
    last = None
    for x in sorted(set(xs)):
        if last is None or px(x) - last >= 40:
            out.append(f'<text x="{px(x)}" y="{py(0) + 14}" text-anchor="middle">{fmt(x)}</text>')
            last = px(x)
    for label, (color, pts) in data.items():
        pts = sorted(pts)
        out.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (color, " ".join(f"{px(x)},{py(y)}" for x, y in pts)))
        for x, y in pts:
            out.append(f'<circle cx="{px(x)}" cy="{py(y)}" r="3" fill="{color}"/>')
    out.append("</svg>")
    return "".join(out)


def label(design, redis):
    return f"{'before issue 12' if design == 'old' else 'routed by topic'} ({'Redis Cluster' if redis == 'cluster' else 'one Redis'})"


heap = {label(*k): (COLORS.get(k, "#555"), [(s, h) for s, h, _ in v]) for k, v in series.items()}
remote = {label(*k): (COLORS.get(k, "#555"), [(s, r) for s, _, r in v]) for k, v in series.items()}
lag = {}
for (design, redis, servers, _), row in sorted(mutate.items()):
    lag.setdefault(label(design, redis), (COLORS.get((design, redis), "#555"), []))[1].append((row["updates_per_s"], row["lag_p99_ms"]))

legend = "".join(f'<span style="margin-right:18px"><span style="display:inline-block;width:12px;height:12px;background:{c};margin-right:6px"></span>{l}</span>'
                 for l, (c, _) in {**heap, **lag}.items())
output.write_text(f"""<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{{margin:12px;font-family:system-ui,sans-serif}}</style></head><body>
<div style="font-size:13px;margin-bottom:6px">LiveState's Redis backend, cluster simulation ({circuits:,} circuits per server; bench/scripts/cluster-simulation.sh): {legend}</div>
<div style="display:flex;gap:8px">
{chart("Managed heap per server", "servers", "MB", heap)}
{chart("Other servers' circuits held per server", "servers", "circuits", remote)}
{chart("Cross-server updates, 4 servers: p99 lag", "updates/s achieved", "p99 lag, ms", lag)}
</div></body></html>""")
print(f"wrote {output}")
