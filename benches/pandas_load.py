"""The pandas side of the load benchmark: read the same long daily-price file the
workbench reads, with dates parsed, and report the best time and peak memory.

    python3 benches/pandas_load.py FILE [--repeat N]

Run each measurement in a fresh process (benches/load_vs_pandas.sh does) so the peak
memory belongs to one load.
"""
import argparse
import resource
import time

import pandas as pd


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1e3
    return 0.0


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def load(path, engine):
    if path.endswith(".parquet"):
        return pd.read_parquet(path)
    if engine == "pyarrow":
        df = pd.read_csv(path, engine="pyarrow")
        df["timestamp"] = pd.to_datetime(df["timestamp"], format="%Y-%m-%d")
        return df
    return pd.read_csv(path, parse_dates=["timestamp"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--engine", default="pyarrow", choices=["pyarrow", "c"])
    a = ap.parse_args()
    base = rss_mb()
    times = []
    for i in range(a.repeat):
        t0 = time.perf_counter()
        df = load(a.file, a.engine)
        times.append(time.perf_counter() - t0)
        if i == 0:
            size = df.memory_usage(deep=True).sum() / 1e6
            print(f"peak_rss_delta_mb {peak_mb() - base:.1f}")
            print(f"in_memory_mb {size:.1f}")
        del df
    times.sort()
    print(f"runs {len(times)}")
    print(f"best_s {times[0]:.4f}")
    print(f"median_s {times[len(times) // 2]:.4f}")


if __name__ == "__main__":
    main()
