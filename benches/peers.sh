#!/usr/bin/env bash
# The backtest against its peers on one panel, in one run (issue 16): the workbench's scale
# bench on a synthetic 3,000 x 240 universe writes the panel of scores and forward returns
# it backtests and prints its own times; then alphalens-reloaded, alphainspect and
# ferric-alpha are timed on that panel doing the same work (benches/peers.py), and each
# time is printed as a multiple of the workbench's, with the machine's load before and after.
#
#   bash benches/peers.sh            (needs python3 with venv; installs the peers in
#                                     target/bench-data/peers-venv from PyPI on first run)
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/bench-data
mkdir -p "$out"
venv="$out/peers-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'alphalens-reloaded==0.5.1' 'alphainspect==0.5.10' 'ferric-alpha==0.1.0'
fi
echo "load before: $(cat /proc/loadavg 2>/dev/null || echo n/a)"
# (Printed once it is done: `tee /dev/stderr` would reopen a redirected stderr at its
# start and write over the lines before.)
ours=$(HALO_SCALE=3000x240 HALO_WRITE_PANEL="$out/peers_panel.csv" cargo bench --quiet --bench scale 2>/dev/null)
echo "$ours"
ms=$(echo "$ours" | awk '/^backtest given each date/ {print $(NF-4)}')
ic=$(echo "$ours" | awk '/mean IC/ {print $NF}' | tr -d ')')
"$venv/bin/python" benches/peers.py "$out/peers_panel.csv" --ours-ms "$ms" ${ic:+--ours-ic "$ic"}
echo "load after: $(cat /proc/loadavg 2>/dev/null || echo n/a)"
