#!/usr/bin/env python3
"""Flame graphs from `perf script` output, as a self-contained SVG (no JavaScript needed).

Why our own: Debian 12 packages no flame-graph tool, and the project takes no third-party code;
what is needed is small: fold each sampled stack into "root;...;leaf count", then draw every
frame as a box as wide as its share of the samples, callers below callees.

  perf script -i X.perf.data --pid PID -F comm,tid,period,ip,sym,dso > X.script
  python3 bench/flamegraph.py X.script --title "Corebot, 20,000 /start" --out docs/images/x.svg
  python3 bench/flamegraph.py X.script --folded     # the folded stacks, heaviest first

Colours: kernel frames orange, Corebot's own (corebot::) green, everything else (libc, libcurl,
Boost...) red-yellow. Hovering a box shows its full name and share (the SVG's <title>).
bench/broadcast/run.py --throughput --perf DIR records the perf data.
"""
import argparse
import collections
import hashlib
import html
import re
import sys

OFFSET = re.compile(r"\+0x[0-9a-f]+$")


def fold(lines):
    """perf script's samples -> Counter of 'root;...;leaf' stacks (weighted by sample count)."""
    stacks = collections.Counter()
    frames = []
    in_sample = False
    for raw in lines:
        line = raw.rstrip("\n")
        if not line.strip():
            if in_sample and frames:
                stacks[";".join(reversed(frames))] += 1
            frames, in_sample = [], False
            continue
        if not line[0].isspace():
            in_sample, frames = True, []
            continue
        parts = line.strip().split(" ", 1)
        if len(parts) < 2:
            continue
        rest = parts[1]
        dso = ""
        if rest.endswith(")") and " (" in rest:
            rest, dso = rest.rsplit(" (", 1)
            dso = dso[:-1]
        name = OFFSET.sub("", rest.strip())
        if name in ("", "[unknown]"):
            name = f"[{dso.rsplit('/', 1)[-1] or 'unknown'}]"
        if dso == "[kernel.kallsyms]":
            name += "_[k]"
        frames.append(name.replace(";", ":"))
    if in_sample and frames:
        stacks[";".join(reversed(frames))] += 1
    return stacks


class Node:
    __slots__ = ("name", "count", "children")

    def __init__(self, name):
        self.name, self.count, self.children = name, 0, {}


def tree(stacks):
    root = Node("all")
    for stack, count in stacks.items():
        root.count += count
        node = root
        for name in stack.split(";"):
            node = node.children.setdefault(name, Node(name))
            node.count += count
    return root


def colour(name):
    h = int(hashlib.md5(name.encode()).hexdigest()[:4], 16) / 0xFFFF
    if name.endswith("_[k]"):
        return f"rgb({220 + int(30 * h)},{120 + int(50 * h)},40)"
    if "corebot::" in name:
        return f"rgb({60 + int(50 * h)},{170 + int(50 * h)},{80 + int(40 * h)})"
    return f"rgb({220 + int(35 * h)},{int(60 + 150 * h)},{40 + int(20 * h)})"


def label(name):
    """A short form for the box: drop template arguments and parameter lists."""
    out, depth = [], 0
    for ch in name:
        if ch in "<(":
            depth += 1
        elif ch in ">)" and depth:
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out) or name


def svg(root, title, width=1200, row=16, min_px=0.3):
    boxes = []
    depth_max = [0]

    def walk(node, x, depth):
        w = node.count / root.count * (width - 20)
        if w < min_px:
            return
        depth_max[0] = max(depth_max[0], depth)
        boxes.append((node, x, depth, w))
        cx = x
        for child in sorted(node.children.values(), key=lambda n: n.name):
            walk(child, cx, depth + 1)
            cx += child.count / root.count * (width - 20)

    walk(root, 10, 0)
    height = (depth_max[0] + 1) * row + 60
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="monospace" font-size="11">',
           f'<rect width="100%" height="100%" fill="#fbfbf6"/>',
           f'<text x="{width / 2}" y="22" font-size="15" text-anchor="middle">'
           f'{html.escape(title)}</text>',
           f'<text x="10" y="{height - 8}" fill="#555">{root.count} samples; box width = share '
           f'of CPU samples; callers below callees; hover for names</text>']
    for node, x, depth, w in boxes:
        y = height - 30 - (depth + 1) * row
        share = 100 * node.count / root.count
        name = node.name[:-4] + " [kernel]" if node.name.endswith("_[k]") else node.name
        out.append(f'<g><title>{html.escape(name)} ({share:.1f} %, {node.count} samples)'
                   f'</title><rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row - 1}" '
                   f'fill="{colour(node.name)}" rx="2"/>')
        chars = int(w / 6.6)
        if chars >= 3:
            text = label(name)
            text = text if len(text) <= chars else text[:chars - 2] + ".."
            out.append(f'<text x="{x + 3:.1f}" y="{y + row - 4}">{html.escape(text)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("script", help="output of `perf script` (- for stdin)")
    p.add_argument("--title", default="CPU flame graph")
    p.add_argument("--out", help="SVG file (default: stdout)")
    p.add_argument("--folded", action="store_true", help="print the folded stacks instead")
    args = p.parse_args(argv)
    src = sys.stdin if args.script == "-" else open(args.script, encoding="utf-8", errors="replace")
    with src:
        stacks = fold(src)
    if not stacks:
        sys.exit("flamegraph: no samples in the input")
    if args.folded:
        for stack, count in stacks.most_common():
            print(f"{stack} {count}")
        return
    text = svg(tree(stacks), args.title)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        print(text)


if __name__ == "__main__":
    main(sys.argv[1:])
