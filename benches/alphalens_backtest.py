"""alphalens on the same backtest panel as `cargo bench --bench analytics` (3,000
securities x 240 monthly rebalances): quintiles, mean returns by quantile with standard
errors, IC, turnover of every quantile, and the cumulative quantile returns.

    HALO_WRITE_PANEL=target/bench-data/backtest_panel.csv cargo bench --bench analytics
    python3 benches/alphalens_backtest.py target/bench-data/backtest_panel.csv

Prints the best of 3 runs (the panel is read once, outside the timing).
"""
import sys
import time
import warnings

import pandas as pd

warnings.filterwarnings("ignore")
import alphalens as al  # noqa: E402


def run(factor, fwd):
    clean = al.utils.get_clean_factor(factor, fwd, quantiles=5, max_loss=1.0)
    mean, se = al.performance.mean_return_by_quantile(clean, by_date=False, demeaned=False)
    by_date, _ = al.performance.mean_return_by_quantile(clean, by_date=True, demeaned=False)
    ic = al.performance.factor_information_coefficient(clean)
    turnover = [al.performance.quantile_turnover(clean["factor_quantile"], q, period=1) for q in range(1, 6)]
    cum = (1 + by_date["1M"].unstack(level=0)).cumprod()
    return mean, se, ic, turnover, cum


def main():
    p = pd.read_csv(sys.argv[1], parse_dates=["date"])
    idx = pd.MultiIndex.from_arrays([p["date"], p["asset"]], names=["date", "asset"])
    factor = pd.Series(p["factor"].values, index=idx)
    fwd = pd.DataFrame({"1M": p["fwd_return"].values}, index=idx)
    fwd.index.levels[0].freq = pd.tseries.offsets.MonthEnd()
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        run(factor, fwd)
        times.append(time.perf_counter() - t0)
    print(f"rows {len(p)}, dates {p['date'].nunique()}")
    print(f"alphalens best of 3: {min(times):.3f} s")


if __name__ == "__main__":
    main()
