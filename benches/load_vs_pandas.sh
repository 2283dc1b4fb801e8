#!/usr/bin/env bash
# The load benchmark of the foundation issue: the workbench's loader against pandas on the
# same long daily-price file (sp500-daily-prices/ combined: 2.4M rows x 10 columns, dates
# parsed), CSV and Parquet, in one run on this machine. Each figure is the best of 5 loads;
# peak memory is measured in a fresh process per tool and format.
#
#   bash benches/load_vs_pandas.sh            (needs ../shared/data and pandas + pyarrow)
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/bench-data
mkdir -p "$out"
cargo build --release --quiet
bin=target/release/halo-workbench
if [ ! -f "$out/daily.csv" ] || [ ! -f "$out/daily.parquet" ]; then
  "$bin" prep-sample --raw ../shared/data --out "$out/sample" --mapping sample_data/mapping/gics_subindustry_to_naics.csv \
    --daily-out "$out/daily.csv" --daily-out "$out/daily.parquet"
fi
python3 -c 'import pandas, pyarrow' 2>/dev/null || pip install -q pandas pyarrow

field() { awk -v k="$1" '$1==k {print $2}'; }
printf '%-8s %-22s %8s %10s %10s %7s\n' format tool best_s peak_MB in_mem_MB ratio
for fmt in parquet csv; do
  f="$out/daily.$fmt"
  w=$("$bin" bench-load "$f" --kind prices --repeat 5)
  p=$(python3 benches/pandas_load.py "$f" --repeat 5)
  printf '%-8s %-22s %8s %10s %10s %7s\n' "$fmt" halo-workbench "$(echo "$w" | field best_s)" "$(echo "$w" | field peak_rss_delta_mb)" "$(echo "$w" | field in_memory_mb)" "$(echo "$w" | field peak_ratio)"
  printf '%-8s %-22s %8s %10s %10s\n' "$fmt" "pandas (pyarrow)" "$(echo "$p" | field best_s)" "$(echo "$p" | field peak_rss_delta_mb)" "$(echo "$p" | field in_memory_mb)"
  if [ "$fmt" = csv ]; then
    c=$(python3 benches/pandas_load.py "$f" --repeat 3 --engine c)
    printf '%-8s %-22s %8s %10s %10s\n' "$fmt" "pandas (default, dates)" "$(echo "$c" | field best_s)" "$(echo "$c" | field peak_rss_delta_mb)" "$(echo "$c" | field in_memory_mb)"
  fi
  echo "$fmt speed-up over pandas: $(python3 -c "print(round($(echo "$p" | field best_s)/$(echo "$w" | field best_s),2))")x"
done
