#!/usr/bin/env python3
"""Regenerate assets/fonts/NotoSansSC-HALO-subset.otf from Debian's Noto Sans CJK TTC.

Prerequisites (Debian 12):
    apt-get install fonts-noto-cjk      # provides NotoSansCJK-Regular.ttc
    pip install fonttools               # tested with fonttools 4.68.0

Usage (from the repository root):
    python3 assets/fonts/make_subset.py [--source PATH] [--output PATH]

The output is a single-face OpenType font with CFF outlines (not WOFF),
no hinting and no OpenType layout features.  It is deterministic: the
head.created / head.modified timestamps are copied unchanged from the source
face (timestamp recalculation is disabled), so running the script twice on
the same source file with the same fontTools version gives byte-identical
output.
"""

import argparse
import hashlib
import os
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
DEFAULT_OUTPUT = os.path.join(HERE, "NotoSansSC-HALO-subset.otf")
FONT_NUMBER = 2  # face index of "Noto Sans CJK SC" in NotoSansCJK-Regular.ttc
EXPECTED_FAMILY = "Noto Sans CJK SC"

# Finance / UI characters that must be present even if not covered above.
EXTRA_CHARS = (
    "《》「」【】、。，：；！？（）％‰·—…￥"
    "\u2212"  # MINUS SIGN
    "\u00B1"  # PLUS-MINUS SIGN
    "\u2264"  # LESS-THAN OR EQUAL TO
    "\u2265"  # GREATER-THAN OR EQUAL TO
    "\u00D7"  # MULTIPLICATION SIGN
    "\u2191"  # UPWARDS ARROW
    "\u2193"  # DOWNWARDS ARROW
    "\u25B2"  # BLACK UP-POINTING TRIANGLE
    "\u25BC"  # BLACK DOWN-POINTING TRIANGLE
)

# Strings used by the app UI / data files; every character must be in the cmap.
TEST_STRINGS = (
    "证券代码 证券简称 所属行业 总资产 固定资产 资本支出 "
    "购建固定资产、无形资产和其他长期资产支付的现金 营业收入 "
    "经营活动产生的现金流量净额 总市值 日期 收盘价 重资产 低淘汰 公用事业 "
    "能源 信息技术 权重 情景 回测 导出 打开 文件 设置 中文 英文 行业表现 "
    "因子暴露 篮子 排名 剔除 原因 缺失 重复 错误 警告 行 列"
)


def gb2312_chars(rows):
    """All characters of the given GB2312 rows (EUC-CN lead bytes), cols 0xA1-0xFE."""
    out = []
    for row in rows:
        for col in range(0xA1, 0xFF):
            try:
                out.append(bytes([row, col]).decode("gb2312"))
            except UnicodeDecodeError:
                pass  # unassigned code point
    return out


def wanted_codepoints():
    cps = set()
    # GB2312 symbol rows 0xA1-0xA9: CJK punctuation, full-width ASCII forms,
    # enclosed/Roman numerals, kana, Greek, Cyrillic, pinyin/bopomofo, box drawing.
    cps.update(ord(c) for c in gb2312_chars(range(0xA1, 0xAA)))
    # GB2312 hanzi, rows 0xB0-0xF7 (levels 1 and 2, 6763 characters).
    cps.update(ord(c) for c in gb2312_chars(range(0xB0, 0xF8)))
    cps.update(range(0x20, 0x7F))      # ASCII printable
    cps.update(range(0xA0, 0x100))     # Latin-1 Supplement
    cps.update(range(0x2000, 0x2070))  # General Punctuation
    cps.update(range(0x3000, 0x3040))  # CJK Symbols and Punctuation
    cps.update(range(0xFF00, 0xFFF0))  # Halfwidth and Fullwidth Forms
    cps.update(ord(c) for c in EXTRA_CHARS)
    cps.update(ord(c) for c in TEST_STRINGS if not c.isspace())
    return cps


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", default=DEFAULT_SOURCE)
    ap.add_argument("--output", default=DEFAULT_OUTPUT)
    args = ap.parse_args()

    # recalcBBoxes defaults to True: head/hhea/vhea/CFF bounding boxes are
    # recomputed for the subset (pyftsubset CLI would keep the source values).
    font = TTFont(args.source, fontNumber=FONT_NUMBER, recalcTimestamp=False)
    family = font["name"].getDebugName(1)
    if family != EXPECTED_FAMILY:
        sys.exit(f"face {FONT_NUMBER} of {args.source} is {family!r}, expected {EXPECTED_FAMILY!r}")

    wanted = wanted_codepoints()
    available = set(font.getBestCmap())
    unicodes = sorted(wanted & available)  # code points the source cannot map are skipped

    opts = subset.Options()
    opts.layout_features = []        # no GSUB/GPOS features (egui does no shaping)
    opts.hinting = False             # --no-hinting
    opts.desubroutinize = False
    opts.name_IDs = ["*"]            # keep copyright, trademark and licence name records
    opts.notdef_outline = True       # visible .notdef box
    opts.recalc_timestamp = False    # keep source head.modified -> deterministic output
    opts.flavor = None               # plain OpenType/CFF, not WOFF/WOFF2

    subsetter = subset.Subsetter(options=opts)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)

    font.recalcTimestamp = False
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    font.save(args.output)
    font.close()

    # Verification.
    out = TTFont(args.output)
    cmap = out.getBestCmap()
    missing_test = sorted({c for c in TEST_STRINGS if not c.isspace() and ord(c) not in cmap})
    missing_extra = sorted({c for c in EXTRA_CHARS if ord(c) not in cmap})
    with open(args.output, "rb") as fh:
        data = fh.read()
    print(f"output:      {args.output}")
    print(f"family:      {out['name'].getDebugName(1)}")
    print(f"outlines:    {'CFF' if 'CFF ' in out else 'glyf'}")
    print(f"glyphs:      {len(out.getGlyphOrder())}")
    print(f"cmap:        {len(cmap)} code points "
          f"(requested {len(wanted)}, not in source {len(wanted - available)})")
    print(f"size:        {len(data)} bytes")
    print(f"sha256:      {hashlib.sha256(data).hexdigest()}")
    print(f"missing test-string chars: {''.join(missing_test) or 'none'}")
    print(f"missing extra chars:       {''.join(missing_extra) or 'none'}")
    if missing_test or missing_extra:
        sys.exit(1)


if __name__ == "__main__":
    main()
