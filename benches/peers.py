"""The backtest's peers on one panel, the one `cargo bench --bench scale` writes (date,
asset, factor, fwd_return; 3,000 securities x 225 monthly rebalances by default), each
asked for the same work: quintiles per date, mean forward return by quintile across dates
with its standard error and by date, the Spearman IC per date, every quintile's turnover,
the top-minus-bottom spread, and the cumulative quintile returns. Prints each tool's best
of 3 runs (the panel is read once, outside the timing), its mean IC as a check that all
did the same work, and its time as a multiple of the workbench's.

    python3 benches/peers.py PANEL.csv --ours-ms 3.3      (benches/peers.sh runs it all)

Peers: alphalens-reloaded 0.5.1 (pandas), alphainspect 0.5.10 (polars), ferric-alpha
0.1.0 (Rust and polars).
"""
import argparse
import contextlib
import io
import time
import warnings

warnings.filterwarnings("ignore")


def alphalens_run(panel):
    import alphalens as al
    import pandas as pd

    idx = pd.MultiIndex.from_arrays([panel["date"], panel["asset"]], names=["date", "asset"])
    factor = pd.Series(panel["factor"].values, index=idx)
    fwd = pd.DataFrame({"1M": panel["fwd_return"].values}, index=idx)
    fwd.index.levels[0].freq = pd.tseries.offsets.MonthEnd()

    def run():
        clean = al.utils.get_clean_factor(factor, fwd, quantiles=5, max_loss=1.0)
        mean, se = al.performance.mean_return_by_quantile(clean, by_date=False, demeaned=False)
        by_date, _ = al.performance.mean_return_by_quantile(clean, by_date=True, demeaned=False)
        ic = al.performance.factor_information_coefficient(clean)
        for q in range(1, 6):
            al.performance.quantile_turnover(clean["factor_quantile"], q, period=1)
        al.performance.compute_mean_returns_spread(by_date, 5, 1)
        (1 + by_date["1M"].unstack(level=0)).cumprod()
        return float(ic["1M"].mean())

    return run


def alphainspect_run(panel):
    import polars as pl
    from alphainspect.ic import calc_ic
    from alphainspect.portfolio import calc_cum_return_by_quantile
    from alphainspect.turnover import calc_quantile_turnover
    from alphainspect.utils import with_factor_quantile

    df = pl.from_pandas(panel)

    def run():
        d = with_factor_quantile(df, "factor", quantiles=5)
        by_date = d.group_by("date", "factor_quantile").agg(pl.mean("fwd_return"))
        by_date.group_by("factor_quantile").agg(
            pl.mean("fwd_return").alias("mean"),
            (pl.std("fwd_return") / pl.len().sqrt()).alias("se"),
        )
        ic = calc_ic(d, ["factor"], ["fwd_return"])
        calc_quantile_turnover(d, periods=(1,))
        # Quintile returns by date, the long-short, their cumulative sums, mean and sd.
        calc_cum_return_by_quantile(d, "fwd_return")
        return float(ic["factor__fwd_return"].mean())

    return run


def ferric_run(panel):
    import ferric_alpha as fa
    import polars as pl

    p = pl.from_pandas(panel).with_columns(pl.col("date").cast(pl.Datetime("us")))
    factor = p.select("date", "asset", "factor")
    # ferric-alpha names periods in days; the panel's one period is a month.
    fwd = p.select("date", "asset", pl.col("fwd_return").alias("forward_return_1D"))

    def run():
        clean = fa.utils.get_clean_factor(factor, fwd, quantiles=5, max_loss=1.0).frame
        fa.performance.mean_return_by_quantile(clean, demeaned=False)
        by_date = fa.performance.mean_return_by_quantile(clean, by_date=True, demeaned=False)
        ic = fa.performance.factor_information_coefficient(clean)
        for q in range(1, 6):
            fa.performance.quantile_turnover(clean, q, 1)
        wide = by_date.pivot(index="date", on="factor_quantile", values="mean_return").sort("date")
        (wide["5"] - wide["1"]).cum_sum()
        wide.select((pl.exclude("date") + 1).cum_prod())
        return float(ic["ic"].mean())

    return run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("panel")
    ap.add_argument("--ours-ms", type=float, required=True, help="the workbench's time, ms")
    ap.add_argument("--ours-ic", type=float, help="the workbench's mean IC")
    a = ap.parse_args()
    import pandas as pd

    panel = pd.read_csv(a.panel, parse_dates=["date"])
    print(f"panel: {len(panel)} rows, {panel['date'].nunique()} dates, "
          f"{panel['asset'].nunique()} assets")
    print(f"{'tool':<28} {'best of 3':>12} {'mean IC':>10} {'x workbench':>12}")
    ours = f"{a.ours_ic:.6f}" if a.ours_ic is not None else "-"
    print(f"{'halo-workbench':<28} {a.ours_ms:>9.2f} ms {ours:>10} {1.0:>11.0f}x")
    for name, make in [
        ("alphalens-reloaded 0.5.1", alphalens_run),
        ("alphainspect 0.5.10", alphainspect_run),
        ("ferric-alpha 0.1.0", ferric_run),
    ]:
        try:
            run = make(panel)
            quiet = contextlib.redirect_stdout(io.StringIO())
            times, ic = [], None
            for _ in range(3):
                with quiet:
                    t0 = time.perf_counter()
                    ic = run()
                    times.append(time.perf_counter() - t0)
        except Exception as e:  # a peer that fails is reported, the others still run
            print(f"{name:<28} failed: {type(e).__name__}: {e}")
            continue
        best = min(times) * 1e3
        print(f"{name:<28} {best:>9.1f} ms {ic:>10.6f} {best / a.ours_ms:>11.0f}x")


if __name__ == "__main__":
    main()
