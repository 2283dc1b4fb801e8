//! Vector figures and the deck: the SVG is the frame the PNG is drawn from, written as
//! elements (text as text, a rectangle per bar); the PDF opens in poppler (pdftoppm draws
//! it, pdftotext reads its title back); a Chinese deck embeds the bundled font. poppler's
//! tools come from .ci/run (poppler-utils).

use std::path::Path;
use std::process::Command;

use halo_workbench::app::Pane;
use halo_workbench::app::chart::sector_color;
use halo_workbench::app::figure::{
    Figure, FigureRequest, Format, Renderer, Scene, deck_folder, export, export_deck, project_scene,
};
use halo_workbench::app::vector;
use halo_workbench::engine::notes::SeriesId;
use halo_workbench::i18n::{Lang, set_lang};

fn req(figure: Figure) -> FigureRequest {
    FigureRequest {
        figure,
        scale: 1.0,
        dark: false,
    }
}

fn scene(lang: Lang) -> Scene {
    project_scene(None, None, false, lang).unwrap()
}

/// The sample's sector chart as SVG, in a language.
fn sector_svg(lang: Lang) -> (Scene, vector::Svg) {
    let scene = scene(lang);
    set_lang(lang);
    let svg = Renderer::new()
        .svg(&scene, &req(Figure::Chart(Pane::Sectors)))
        .unwrap();
    (scene, svg)
}

/// A poppler tool's output; it must be there (CI installs poppler-utils).
fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) is needed: {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The text of the SVG, each run of `<text>` elements on one baseline joined (a label is
/// split where a ligature or another font takes over).
fn texts(doc: &usvg::roxmltree::Document) -> Vec<String> {
    let mut out: Vec<(String, String)> = Vec::new();
    for n in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let y = n.attribute("y").unwrap_or_default().to_string();
        let t = n.text().unwrap_or_default();
        match out.last_mut() {
            Some((last_y, s)) if *last_y == y => s.push_str(t),
            _ => out.push((y, t.to_string())),
        }
    }
    out.into_iter().map(|(_, s)| s).collect()
}

#[test]
fn the_sector_chart_as_svg_holds_its_title_axis_label_and_a_rectangle_per_bar() {
    let (scene, svg) = sector_svg(Lang::En);
    assert_eq!(svg.size, [1100.0, 700.0]);
    let doc = usvg::roxmltree::Document::parse(&svg.text).unwrap();
    // usvg reads it with the bundled fonts, as the PDF writer does.
    vector::parse(&svg).unwrap();
    let texts = texts(&doc);
    let perf = scene.results.sectors.as_ref().unwrap();
    let title = format!("Sector performance {} – {}", perf.from, perf.to);
    assert!(texts.contains(&title), "{title:?} in {texts:?}");
    assert!(texts.iter().any(|t| t == "Return (%)"), "{texts:?}");
    // Each group's bar is one rectangle in its colour (as the pane fills it, a quarter
    // darker), and its name is text beside it.
    let fill = |c: egui::Color32| {
        let [r, g, b, _] = c.gamma_multiply(0.75).to_srgba_unmultiplied();
        format!("#{r:02x}{g:02x}{b:02x}")
    };
    let rects: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter_map(|n| n.attribute("fill").map(str::to_string))
        .collect();
    assert!(!perf.groups.is_empty());
    for g in &perf.groups {
        let SeriesId::Sector(name) = &g.id else {
            continue;
        };
        let n = rects
            .iter()
            .filter(|f| **f == fill(sector_color(name)))
            .count();
        assert_eq!(n, 1, "one bar of {name}: {n}");
        assert!(texts.iter().any(|t| t == name), "{name} labelled");
    }
}

#[test]
fn the_formats_follow_the_extension_and_an_unknown_one_is_named() {
    assert_eq!(Format::of(Path::new("a/b.SVG")).unwrap(), Format::Svg);
    assert_eq!(Format::of(Path::new("b.pdf")).unwrap(), Format::Pdf);
    assert_eq!(Format::of(Path::new("b.png")).unwrap(), Format::Png);
    let e = Format::of(Path::new("fig.jpg")).unwrap_err().to_string();
    assert!(e.contains("fig.jpg") && e.contains(".svg"), "{e}");
    let e = Format::of(Path::new("figs/")).unwrap_err().to_string();
    assert!(e.contains("says no format"), "{e}");
    // A scenario named in Chinese is the scenario.
    let zh = project_scene(
        None,
        Some("2020年疫情冲击（历史重演）".into()),
        false,
        Lang::Zh,
    );
    let view = zh.unwrap().view;
    assert_eq!(
        view.scenario.as_deref(),
        Some("2020 pandemic crash (replay)")
    );
    let dir = tempfile::tempdir().unwrap();
    let e = export_deck(&scene(Lang::En), false, &dir.path().join("deck.png"))
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("deck.png") && e.contains(".pdf"), "{e}");
}

#[test]
fn a_pdf_figure_opens_and_its_text_is_text() {
    let dir = tempfile::tempdir().unwrap();
    let scene = scene(Lang::En);
    for (pane, title) in [
        (Pane::Backtest, "Backtest"),
        (Pane::Exposures, "Factor exposures"),
    ] {
        let out = dir.path().join(format!("{}.pdf", pane.id()));
        let w = export(&scene, &req(Figure::Chart(pane)), &out).unwrap();
        assert_eq!(w.figure, out);
        assert!(w.csv[0].exists());
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let text = poppler("pdftotext", &[out.to_str().unwrap(), "-"]);
        assert!(text.contains(title), "{title} in {text}");
        // Titled: the chart, the dataset and its date.
        let info = poppler("pdfinfo", &[out.to_str().unwrap()]);
        let want = format!("{title}: {}, as of 2017-04-01", scene.dataset);
        let got = info
            .lines()
            .find_map(|l| l.strip_prefix("Title:"))
            .map(str::trim);
        assert_eq!(got, Some(want.as_str()), "{info}");
        // pdftoppm draws it: a page of the figure's size, not blank.
        let png = dir.path().join(pane.id());
        poppler(
            "pdftoppm",
            &[
                "-png",
                "-r",
                "36",
                "-singlefile",
                out.to_str().unwrap(),
                png.to_str().unwrap(),
            ],
        );
        let img = image::open(png.with_extension("png")).unwrap().to_rgba8();
        // 1100 x 700 points at 36 dpi: half the points.
        assert_eq!((img.width(), img.height()), (550, 350));
        let inked = img.pixels().filter(|p| p[0] < 200).count();
        assert!(inked > 2000, "{inked} dark pixels");
    }
}

#[test]
fn a_chinese_deck_has_a_cover_a_page_per_chart_and_embeds_the_font() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("简报.pdf");
    let scene = scene(Lang::Zh);
    let w = export_deck(&scene, false, &out).unwrap();
    let charts = Pane::charts();
    assert_eq!(w.pages, charts.len() + 1);
    let path = out.to_str().unwrap();
    let info = poppler("pdfinfo", &[path]);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.ends_with(&format!(" {}", w.pages))),
        "{info}"
    );
    let cover = poppler("pdftotext", &["-f", "1", "-l", "1", path, "-"]);
    // No sweep in the sample's view: the sensitivity page is left out, and the cover says so.
    for want in [
        "研究简报",
        "数据来源",
        "支柱权重",
        "无敏感性页",
        &scene.dataset,
    ] {
        assert!(cover.contains(want), "{want} on the cover: {cover}");
    }
    // The as-of date, and each table's file.
    assert!(
        cover.contains(&scene.results.as_of().to_string()),
        "{cover}"
    );
    for s in &scene.sources {
        assert!(cover.contains(&s.file), "{} on the cover: {cover}", s.file);
    }
    let fonts = poppler("pdffonts", &[path]);
    let noto = fonts
        .lines()
        .find(|l| l.contains("NotoSansCJKsc"))
        .unwrap_or_else(|| panic!("the Chinese font embedded: {fonts}"));
    // name, type, encoding, emb, sub, uni, object: emb and sub are yes.
    assert!(noto.contains(" yes yes "), "{noto}");
    // The PNG pages beside it, one per page, in order.
    let folder = deck_folder(&out);
    assert_eq!(folder, w.folder);
    let mut pngs: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pngs.sort();
    let mut want = vec!["00_cover.png".to_string()];
    want.extend(
        charts
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:02}_{}.png", i + 1, p.id())),
    );
    assert_eq!(pngs, want);
    let img = image::open(folder.join("00_cover.png")).unwrap();
    assert_eq!((img.width(), img.height()), (2200, 1400));
}

#[test]
fn chinese_and_latin_on_one_line_are_each_in_the_font_egui_drew_them_with() {
    let (scene, svg) = sector_svg(Lang::Zh);
    let doc = usvg::roxmltree::Document::parse(&svg.text).unwrap();
    let font_of = |want: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name("text") && n.text().is_some_and(|t| t.contains(want)))
            .and_then(|n| n.attribute("font-family"))
            .unwrap_or_else(|| panic!("{want} as text"))
            .to_string()
    };
    // The chart's title: 行业表现 in the bundled Chinese font, its dates in egui's Latin one.
    assert_eq!(font_of("行业表现"), "'Noto Sans CJK SC'");
    let perf = scene.results.sectors.as_ref().unwrap();
    assert_eq!(font_of(&perf.from.to_string()), "'Ubuntu'");
}

#[test]
fn a_deck_never_replaces_a_folder_of_other_files_nor_mixes_two_decks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("notes.pdf");
    let folder = deck_folder(&out);
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("minutes.txt"), "keep me").unwrap();
    let scene = scene(Lang::En);
    let e = export_deck(&scene, false, &out).err().unwrap().to_string();
    assert!(
        e.contains("minutes.txt") && e.contains("not a page of a deck"),
        "{e}"
    );
    assert_eq!(
        std::fs::read_to_string(folder.join("minutes.txt")).unwrap(),
        "keep me"
    );
    assert!(!out.exists(), "nothing written");
    // Its own folder: a second deck replaces the first's pages whole.
    std::fs::remove_file(folder.join("minutes.txt")).unwrap();
    export_deck(&scene, false, &out).unwrap();
    let first = std::fs::read(folder.join("00_cover.png")).unwrap();
    export_deck(&scene, true, &out).unwrap();
    assert_ne!(
        std::fs::read(folder.join("00_cover.png")).unwrap(),
        first,
        "dark now"
    );
    assert_eq!(
        std::fs::read_dir(&folder).unwrap().count(),
        1 + Pane::charts().len()
    );
    // A folder that does not exist is named, not made.
    let e = export_deck(&scene, false, &dir.path().join("no/such/deck.pdf"))
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("does not exist"), "{e}");
}

#[test]
fn the_sensitivity_figure_is_the_sweeps_and_refused_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let req = req(Figure::Chart(Pane::Sensitivity));
    // Without a sweep there is nothing to draw: said, nothing written.
    let out = dir.path().join("none.svg");
    let e = export(&scene(Lang::En), &req, &out)
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("weight sweep has not finished"), "{e}");
    assert!(!out.exists());
    // With it: the figure, its lines named, and a deck with its page.
    let scene = project_scene(None, None, true, Lang::En).unwrap();
    let out = dir.path().join("sensitivity.svg");
    export(&scene, &req, &out).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let doc = usvg::roxmltree::Document::parse(&text).unwrap();
    let texts = texts(&doc);
    assert!(
        texts.iter().any(|t| t == "Sensitivity: IC mean"),
        "{texts:?}"
    );
    for p in halo_workbench::engine::metrics::Pillar::ALL {
        assert!(
            texts.iter().any(|t| t == p.label_en()),
            "{} in the legend",
            p.label_en()
        );
    }
    let deck = dir.path().join("deck.pdf");
    let w = export_deck(&scene, false, &deck).unwrap();
    assert_eq!(w.pages, Pane::charts().len() + 2);
    let last = format!("{:02}_sensitivity.png", w.pages - 1);
    assert!(deck_folder(&deck).join(last).is_file());
    let cover = poppler(
        "pdftotext",
        &["-f", "1", "-l", "1", deck.to_str().unwrap(), "-"],
    );
    assert!(
        cover.contains("Sensitivity") && !cover.contains("No sensitivity page"),
        "{cover}"
    );
}

#[test]
fn a_deck_reruns_over_its_own_pages_and_never_takes_a_file_of_its_folders_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("weekly.pdf");
    // With the sensitivity page, then without: the first deck's pages are a deck's.
    let swept = project_scene(None, None, true, Lang::En).unwrap();
    export_deck(&swept, false, &out).unwrap();
    let w = export_deck(&scene(Lang::En), false, &out).unwrap();
    let pages = std::fs::read_dir(&w.folder).unwrap().count();
    assert_eq!(
        pages, w.pages,
        "the earlier sensitivity page is gone with its deck"
    );
    // A folder where the PDF goes: named before the pages' folder is touched.
    std::fs::rename(&out, dir.path().join("moved.pdf")).unwrap();
    std::fs::create_dir(&out).unwrap();
    let e = export_deck(&scene(Lang::En), false, &out)
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("weekly.pdf") && e.contains("it is a folder"),
        "{e}"
    );
    assert_eq!(std::fs::read_dir(&w.folder).unwrap().count(), w.pages);
    // A file where the pages' folder would be: named, left as it was.
    let out = dir.path().join("q3.pdf");
    std::fs::write(dir.path().join("q3"), "my notes").unwrap();
    let e = export_deck(&scene(Lang::En), false, &out)
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("q3") && e.contains("not a folder"), "{e}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("q3")).unwrap(),
        "my notes"
    );
}

#[test]
fn a_folder_where_a_figures_csv_goes_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("y.csv")).unwrap();
    let out = dir.path().join("y.svg");
    let e = export(&scene(Lang::En), &req(Figure::Chart(Pane::Sectors)), &out)
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("y.csv") && e.contains("it is a folder"), "{e}");
    assert!(!out.exists());
}

#[test]
fn a_deck_on_data_without_prices_says_which_pages_cannot_be_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = halo_workbench::project::Project::default();
    project.dataset.name = "fundamentals only".into();
    project.dataset.files = vec![halo_workbench::data::SourceFile {
        path: Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/fundamentals.csv"),
        options: Default::default(),
    }];
    let file = dir.path().join("f.halo.toml");
    project.save(&file).unwrap();
    let scene = project_scene(Some(&file), None, false, Lang::En).unwrap();
    let out = dir.path().join("f.pdf");
    let w = export_deck(&scene, false, &out).unwrap();
    let missing: Vec<Pane> = w.not_drawn.iter().map(|(p, _)| *p).collect();
    assert!(
        missing.contains(&Pane::Sectors) && missing.contains(&Pane::Backtest),
        "{missing:?}"
    );
    let cover = poppler(
        "pdftotext",
        &["-f", "1", "-l", "1", out.to_str().unwrap(), "-"],
    );
    assert!(cover.contains("Not drawn: Sector performance"), "{cover}");
}

#[test]
fn the_gics_sectors_chinese_names_have_their_english_names_colours() {
    let pairs = [
        ("信息技术", "Information Technology"),
        ("可选消费", "Consumer Discretionary"),
        ("工业", "Industrials"),
        ("公用事业", "Utilities"),
        ("能源", "Energy"),
        ("原材料", "Materials"),
        ("房地产", "Real Estate"),
        ("日常消费", "Consumer Staples"),
        ("医疗保健", "Health Care"),
        ("金融", "Financials"),
        ("通信服务", "Communication Services"),
    ];
    for (zh, en) in pairs {
        assert_eq!(sector_color(zh), sector_color(en), "{zh}");
    }
    // Eleven sectors, eleven colours.
    let mut colours: Vec<_> = pairs.iter().map(|(zh, _)| sector_color(zh)).collect();
    colours.sort_by_key(|c| c.to_array());
    colours.dedup();
    assert_eq!(colours.len(), pairs.len());
}
