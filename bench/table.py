"""bench/table.py: joins the output of bench/eager (nxc) and bench/eager.py (NumPy,
PyTorch) into one table: median milliseconds of each, and nxc's ratio to the faster of the
other two (> 1: nxc is faster). Usage: table.py NXC_TSV... -- PY_TSV... (one file per round; medians over rounds)
"""
import sys

# The 13 workloads of the goal (issue #4); other rows are printed for information.
GOAL = ["add", "multiply", "exp", "log", "tanh", "sum", "sum_axis0", "argmax", "transpose",
        "slice_concat", "sort", "gather", "softmax"]


def read(path):
    rows = {}
    for line in open(path):
        if line.strip() and not line.startswith("#"):
            f = line.rstrip("\n").split("\t")
            rows[(f[0], f[1])] = f[2:]
    return rows


def read_rounds(paths):
    """The rows of several rounds; each numeric field becomes its median over them."""
    rounds = [read(p) for p in paths]
    merged = {}
    for key in rounds[0]:
        fields = []
        for i, v in enumerate(rounds[0][key]):
            vals = sorted(float(r[key][i]) for r in rounds if key in r and _is_num(r[key][i]))
            fields.append(str(vals[len(vals) // 2]) if vals else v)
        merged[key] = fields
    return merged


def _is_num(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


def split_args(argv):
    i = argv.index("--") if "--" in argv else 1
    return argv[:i], argv[i + 1:] if "--" in argv else argv[1:]


def num(s):
    try:
        return float(s)
    except ValueError:
        return None


def fmt(v):
    return "n/a" if v is None else f"{v:.3f}"


def main():
    nxc_paths, py_paths = split_args(sys.argv[1:])
    nxc, py = read_rounds(nxc_paths), read_rounds(py_paths)
    for (op, dt), f in nxc.items():
        if op == "memcpy":
            print(f"memory bandwidth reference: memcpy of 1M {dt}: {float(f[0]):.3f} ms {f[2] if len(f) > 2 else ''}")
    print()
    print("| op | dtype | nxc ms | NumPy ms | PyTorch ms | ratio |")
    print("|---|---|---:|---:|---:|---:|")
    summary = {}
    extra = sorted({op for op, _ in list(nxc) + list(py)} - set(GOAL) - {"memcpy"})
    for op in GOAL + extra:
        for dt in ("f32", "f64"):
            n = num(nxc.get((op, dt), ["n/a"])[0])
            p = py.get((op, dt), ["n/a", "n/a"])
            a, b = num(p[0]), num(p[1])
            best = min(v for v in (a, b) if v is not None) if (a or b) else None
            ratio = best / n if best and n else None
            mark = "" if op in GOAL else " (extra)"
            print(f"| {op}{mark} | {dt} | {fmt(n)} | {fmt(a)} | {fmt(b)} | {'n/a' if ratio is None else f'{ratio:.2f}x'} |")
            if op in GOAL and ratio is not None:
                summary.setdefault(dt, []).append(ratio)
    print()
    for dt, rs in summary.items():
        print(f"{dt}: nxc >= 1.0x on {sum(r >= 1.0 for r in rs)} of {len(rs)}, "
              f"below 0.5x on {sum(r < 0.5 for r in rs)} (goal: >= 10 of 13, none below 0.5x)")


if __name__ == "__main__":
    main()
