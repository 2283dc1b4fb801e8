//! Figure export speed. The window exports what it shows: the live results and view drawn
//! by the export worker's renderer (kept between exports: egui laid out at the figure's
//! scale and rasterized on the CPU), PNG and CSV written; nothing is loaded or computed.
//! Measured on the sample's results: one chart at 2x (target under 200 ms) and the whole
//! dashboard at 2x, after the renderer's start-up (fonts and the first frame, once per
//! session), reported on its own with the pipeline's work on the sample; the same figures
//! as SVG and PDF (vectors from the same frame), and the deck (cover and every chart, one
//! PDF and a PNG per page).
//!
//!     cargo bench --bench export

use std::time::Instant;

use halo_workbench::app::Pane;
use halo_workbench::app::figure::{
    Figure, FigureRequest, Format, Renderer, Scene, project_scene, write, write_deck,
};
use halo_workbench::i18n::Lang;

fn times(n: usize, mut f: impl FnMut(usize)) -> (f64, f64) {
    let mut t: Vec<f64> = (0..n)
        .map(|i| {
            let t0 = Instant::now();
            f(i);
            t0.elapsed().as_secs_f64()
        })
        .collect();
    t.sort_by(f64::total_cmp);
    (t[0], t[n / 2])
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let t0 = Instant::now();
    let scene: Scene = project_scene(None, None, false, Lang::En).expect("sample scene");
    let computed = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let mut r = Renderer::new();
    let chart = FigureRequest {
        figure: Figure::Chart(Pane::Sectors),
        scale: 2.0,
        dark: false,
    };
    r.render(&scene, &chart).expect("first render");
    let startup = t0.elapsed().as_secs_f64();
    for format in Format::ALL {
        for (name, figure) in [
            ("sector chart", Figure::Chart(Pane::Sectors)),
            ("backtest chart", Figure::Chart(Pane::Backtest)),
            ("dashboard", Figure::Dashboard),
        ] {
            let req = FigureRequest {
                figure,
                scale: 2.0,
                dark: false,
            };
            let mut extent = String::new();
            let (mut drawn, mut written) = (Vec::new(), Vec::new());
            let (best, median) = times(7, |i| {
                let t = Instant::now();
                let drawing = r.draw(&scene, &req, format).expect("draw");
                drawn.push(t.elapsed().as_secs_f64());
                extent = format!("{:?}", drawing.extent());
                let out = dir
                    .path()
                    .join(format!("{}_{i}.{}", figure.id(), format.ext()));
                let t = Instant::now();
                write(&drawing, &scene, figure, &out).expect("write");
                written.push(t.elapsed().as_secs_f64());
            });
            let med = |v: &mut Vec<f64>| {
                v.sort_by(f64::total_cmp);
                v[v.len() / 2]
            };
            let scale = match format {
                Format::Png => " 2x",
                Format::Svg | Format::Pdf => "",
            };
            println!(
                "in-app export, {name}{scale} as {} ({extent}), figure and CSV written: best {:.3} s, median {:.3} s (median drawing {:.3} s, encoding and writing {:.3} s)",
                format.ext(),
                best,
                median,
                med(&mut drawn),
                med(&mut written)
            );
        }
    }
    let (best, median) = times(3, |i| {
        let deck = r.deck(&scene, false).expect("deck");
        write_deck(&deck, &dir.path().join(format!("deck_{i}.pdf"))).expect("write deck");
    });
    println!(
        "deck (cover and {} charts: one PDF and a PNG per page at 2x): best {best:.3} s, median {median:.3} s",
        Pane::charts().len()
    );
    println!(
        "renderer start-up (fonts, first frame): {startup:.2} s; sample loaded and computed through the pipeline: {computed:.2} s"
    );
}
