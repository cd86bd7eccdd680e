"""bench/products_table.py: joins bench/products (nxc, and OpenBLAS called directly) and
bench/products.py (NumPy, PyTorch) into the table of issue #5, with each goal's reference:
dot against OpenBLAS (goal >= 0.9x), conv against PyTorch (>= 1.0x), fft against
numpy.fft (>= 1.0x); the other rows against the faster of NumPy and PyTorch. ratio =
reference / nxc (> 1: nxc is faster). Usage: products_table.py NXC_TSV... -- PY_TSV... (medians over rounds)
"""
import sys

from table import read_rounds, split_args   # bench/table.py: medians over rounds


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
    print("| op | dtype | nxc ms | OpenBLAS ms | NumPy ms | PyTorch ms | reference | ratio | goal |")
    print("|---|---|---:|---:|---:|---:|---|---:|---|")
    for (op, dt), f in nxc.items():
        n, blas = num(f[0]), num(f[1])
        p = py.get((op, dt), ["n/a", "n/a"])
        a, b = num(p[0]), num(p[1])
        if op.startswith("dot_"):
            ref, name, goal = blas, "OpenBLAS", 0.9
        elif op.startswith("conv"):
            ref, name, goal = b, "PyTorch", 1.0
        elif op.startswith("fft"):
            ref, name, goal = a, "NumPy", 1.0
        else:
            ref, name, goal = min([v for v in (a, b) if v is not None], default=None), "faster", None
        ratio = ref / n if ref and n else None
        verdict = "" if goal is None or ratio is None else ("met" if ratio >= goal else f"missed (>= {goal}x)")
        print(f"| {op} | {dt} | {fmt(n)} | {fmt(blas)} | {fmt(a)} | {fmt(b)} | {name} | "
              f"{'n/a' if ratio is None else f'{ratio:.2f}x'} | {verdict} |")


if __name__ == "__main__":
    main()
