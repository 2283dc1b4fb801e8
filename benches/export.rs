//! Figure export speed. The window exports what it shows: the live results and view drawn
//! by the export worker's renderer (kept between exports: egui laid out at the figure's
//! scale and rasterized on the CPU), PNG and CSV written; nothing is loaded or computed.
//! Measured on the sample's results: one chart at 2x (target under 200 ms) and the whole
//! dashboard at 2x, after the renderer's start-up (fonts and the first frame, once per
//! session), reported on its own with the pipeline's work on the sample.
//!
//!     cargo bench --bench export

use std::time::Instant;

use halo_workbench::app::Pane;
use halo_workbench::app::figure::{Figure, FigureRequest, Renderer, Scene, project_scene, write};
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
    let scene: Scene = project_scene(None, None, Lang::En).expect("sample scene");
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
        let mut size = (0, 0);
        let (mut drawn, mut written) = (Vec::new(), Vec::new());
        let (best, median) = times(7, |i| {
            let t = Instant::now();
            let img = r.render(&scene, &req).expect("render");
            drawn.push(t.elapsed().as_secs_f64());
            size = (img.width(), img.height());
            let out = dir.path().join(format!("{}_{i}.png", figure.id()));
            let t = Instant::now();
            write(&img, &scene, figure, &out).expect("write");
            written.push(t.elapsed().as_secs_f64());
        });
        let med = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        println!(
            "in-app export, {name} 2x ({} x {} px), PNG and CSV written: best {:.3} s, median {:.3} s (median drawing {:.3} s, encoding and writing {:.3} s)",
            size.0,
            size.1,
            best,
            median,
            med(&mut drawn),
            med(&mut written)
        );
    }
    println!(
        "renderer start-up (fonts, first frame): {startup:.2} s; sample loaded and computed through the pipeline: {computed:.2} s"
    );
}
