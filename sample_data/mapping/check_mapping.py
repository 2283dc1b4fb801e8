#!/usr/bin/env python3
"""Verify gics_subindustry_to_naics.csv against the shared input data.

Usage:
    python3 check_mapping.py [SHARED_DATA_DIR]

SHARED_DATA_DIR defaults to <repo>/../shared/data, i.e.
Path(__file__).resolve().parents[3] / "shared" / "data".
It must contain:
    nyse-kaggle/securities.csv
    aiie-by-industry/aiie_by_naics4.csv

Checks (exit status 1 if any fails):
  * header is exactly gics_sector,gics_sub_industry,naics4,regulated,note
  * every naics4 entry is a ';'-separated list of 4-digit codes that all
    exist in aiie_by_naics4.csv
  * every (GICS Sector, GICS Sub Industry) pair of securities.csv has exactly
    one row, and the mapping has no rows for pairs not in securities.csv
  * regulated is 0 or 1, note is non-empty, rows are sorted by
    (gics_sector, gics_sub_industry)

Scoring used for the sanity table: AIIE of a NAICS code = mean of all AIIE
rows carrying that naics4 (3250, 3320 and 4240 are split into several rows
in the source file); sub-industry score = mean over its mapped codes.

Felten E, Raj M, Seamans R (2021) Occupational, industry, and geographic
exposure to artificial intelligence: A novel dataset and its potential uses.
Strategic Management Journal 42(12):2195-2217.
"""
import csv
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAPPING = HERE / "gics_subindustry_to_naics.csv"
HEADER = ["gics_sector", "gics_sub_industry", "naics4", "regulated", "note"]
CODE_RE = re.compile(r"^\d{4}$")


def main(argv):
    data_dir = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[3] / "shared" / "data"
    sec_path = data_dir / "nyse-kaggle" / "securities.csv"
    aiie_path = data_dir / "aiie-by-industry" / "aiie_by_naics4.csv"
    for p in (sec_path, aiie_path, MAPPING):
        if not p.is_file():
            print(f"FAILED: missing input file {p}", file=sys.stderr)
            return 2
    errors = []

    # --- AIIE table: naics4 -> list of (oes code, title, aiie)
    aiie_rows = defaultdict(list)
    with aiie_path.open(newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            aiie_rows[r["naics4"].strip()].append((r["oes_naics_code"], r["industry_title"], float(r["aiie"])))
    aiie = {k: sum(v[2] for v in rows) / len(rows) for k, rows in aiie_rows.items()}

    # --- securities: distinct pairs and ticker counts
    with sec_path.open(newline="", encoding="utf-8") as f:
        sec = list(csv.DictReader(f))
    pair_count = Counter((r["GICS Sector"], r["GICS Sub Industry"]) for r in sec)

    # --- mapping
    with MAPPING.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [r for r in reader if r]
    if header != HEADER:
        errors.append(f"header {header} != {HEADER}")

    seen = Counter()
    scored = []
    used_dup = set()
    for i, r in enumerate(rows, start=2):
        if len(r) != len(HEADER):
            errors.append(f"line {i}: expected {len(HEADER)} fields, got {len(r)}: {r}")
            continue
        sector, sub, naics, regulated, note = r
        seen[(sector, sub)] += 1
        codes = [c.strip() for c in naics.split(";")]
        if not codes or any(not c for c in codes):
            errors.append(f"line {i}: empty naics4 entry in {naics!r}")
        if len(set(codes)) != len(codes):
            errors.append(f"line {i}: duplicate code in {naics!r}")
        for c in codes:
            if not CODE_RE.match(c):
                errors.append(f"line {i}: {c!r} is not a 4-digit code")
            elif c not in aiie:
                errors.append(f"line {i}: naics4 {c} ({sector} / {sub}) not in {aiie_path.name}")
            elif len(aiie_rows[c]) > 1:
                used_dup.add(c)
        if regulated not in ("0", "1"):
            errors.append(f"line {i}: regulated must be 0 or 1, got {regulated!r}")
        if not note.strip():
            errors.append(f"line {i}: empty note")
        if all(c in aiie for c in codes):
            score = sum(aiie[c] for c in codes) / len(codes)
            scored.append((score, sector, sub, naics, regulated, pair_count.get((sector, sub), 0)))

    keys = [(r[0], r[1]) for r in rows if len(r) == len(HEADER)]
    if keys != sorted(keys):
        errors.append("rows are not sorted by (gics_sector, gics_sub_industry)")
    for k, n in seen.items():
        if n > 1:
            errors.append(f"duplicate mapping rows for {k}")
        if k not in pair_count:
            errors.append(f"mapping row {k} does not occur in securities.csv")
    missing = sorted(set(pair_count) - set(seen))
    for k in missing:
        errors.append(f"unmapped (sector, sub-industry) from securities.csv: {k}")

    # --- report
    print(f"securities.csv: {len(sec)} tickers, {len(pair_count)} distinct (sector, sub-industry) pairs")
    print(f"mapping rows: {len(rows)}; AIIE codes: {len(aiie)} distinct naics4 ({sum(map(len, aiie_rows.values()))} rows)")
    n_codes = Counter(len(r[2].split(";")) for r in rows if len(r) == len(HEADER))
    print("codes per row:", dict(sorted(n_codes.items())))
    print("regulated=1:", [r[1] for r in rows if len(r) == len(HEADER) and r[3] == "1"])
    for c in sorted(used_dup):
        parts = ", ".join(f"{o}={a:+.3f}" for o, _, a in aiie_rows[c])
        print(f"note: naics4 {c} has {len(aiie_rows[c])} AIIE rows ({parts}); scored as their mean {aiie[c]:+.3f}")

    scored.sort(reverse=True)
    fmt = "{:>7}  {:<28} {:<48} {:<20} {:>3} {:>4}"

    def table(title, items):
        print(f"\n{title}")
        print(fmt.format("aiie", "sector", "sub-industry", "naics4", "reg", "n"))
        for s, sector, sub, naics, reg, n in items:
            print(fmt.format(f"{s:+.3f}", sector[:28], sub[:48], naics, reg, n))

    table("15 highest mean AIIE", scored[:15])
    table("15 lowest mean AIIE", list(reversed(scored[-15:])))

    if errors:
        print(f"\nFAILED: {len(errors)} problem(s)", file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        return 1
    print("\nOK: every sub-industry mapped, every code exists")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
