"""Seed inputs for the fuzz targets (python3 fuzz/make_corpus.py): small files of the
shapes users bring. The Parquet seeds are written by the workbench itself:
halo-workbench sectors --out fuzz/corpus/parquet/sectors.parquet and
halo-workbench score --out fuzz/corpus/parquet/scores.parquet."""

import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def put(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


put("csv", "fundamentals.csv",
    "ticker,date,sector,total_assets,ppe_net,revenue\n"
    "XOM,2016-12-31,Energy,330314,244224,218608\n"
    "MSFT,2016-06-30,Information Technology,193694,18356,85320\n")
put("csv", "prices_semicolon.csv",
    "Ticker;Date;Adj Close\nA;31/01/2016;1,5\nA;29/02/2016;1,6\n")
put("csv", "wind_gbk.csv",
    "证券代码,证券简称,报告期,所属行业,总资产(元)\n600028.SH,中国石化,20231231,石油石化,2.1e12\n".encode("gbk"))
put("csv", "factors.csv", "date,wti,us10y\n2016-01-31,33.6,1.94\n2016-02-29,31.0,1.74\n")
put("csv", "quoted.csv", 'ticker,name,date,sector\nA,"Big, ""Corp""\nInc",2016-12-31,Energy\n')
put("csv", "utf16.csv", "\ufeffticker\tdate\tsector\nA\t2016-12-31\tEnergy\n".encode("utf-16-le"))

SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>ticker</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>date</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>sector</t></is></c>'
    '<c r="D1" t="inlineStr"><is><t>total_assets</t></is></c></row>'
    '<row r="2"><c r="A2"><v>600029</v></c><c r="B2"><v>45291</v></c>'
    '<c r="C2" t="inlineStr"><is><t>Airlines</t></is></c><c r="D2"><f>1+1</f><v>2</v></c></row>'
    '</sheetData><mergeCells count="1"><mergeCell ref="C2:D2"/></mergeCells></worksheet>'
)
FILES = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '</Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '</Relationships>'
    ),
    "xl/worksheets/sheet1.xml": SHEET,
}
d = os.path.join(HERE, "corpus", "xlsx")
os.makedirs(d, exist_ok=True)
with zipfile.ZipFile(os.path.join(d, "codes.xlsx"), "w", zipfile.ZIP_STORED) as z:
    for name, body in FILES.items():
        z.writestr(name, body)

put("settings", "weights.toml",
    "[weights]\nheavy_assets = 1.5\n[weights.metrics]\ndividend_yield = 2.0\n"
    "[scoring]\nwinsor_p = 0.05\nstandardize = \"sector_neutral\"\n"
    "[basket]\nselection = { rule = \"top_n\", value = 10 }\nweighting = \"score_tilted\"\nsector_cap = 0.4\n")
put("settings", "analytics.toml",
    "[analytics]\nfactors = [\"market\"]\nquantiles = 3\nrebalance = \"quarterly\"\nwithin_sector = true\n"
    "[[scenarios]]\nname = \"c\"\nkind = \"characteristic\"\nmetric = \"halo\"\nshock_per_sd = -0.05\n")
put("project", "project.halo.toml",
    "version = 1\nlayout = \"\"\n[dataset]\nname = \"mine\"\n[[dataset.files]]\npath = \"data/f.csv\"\nkind = \"fundamentals\"\n"
    "[settings.weights]\nheavy_assets = 2.0\n[view]\nscenario = \"Higher for longer\"\nsectors = \"lines\"\n")
for i, s in enumerate(["2026-03-18", "2026/3/18", "20260318", "18-Mar-26", "2026年3月18日",
                       "03/18/2026", "2026-03", "46099", "2026-03-18 00:00:00", "9999-12-31"]):
    put("dates", f"d{i}", s)
