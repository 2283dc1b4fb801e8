//! Headless export speed (issue 6): the whole dashboard at 2x, PNG and CSVs written, once
//! the renderer has started; and the start-up (opening the app off screen, loading the
//! sample, computing, and the first render, which initialises wgpu) on its own.
//!
//!     cargo bench --bench export

use std::time::Instant;

use halo_workbench::app::{Figure, PersistedState};
use halo_workbench::export::figure::{FigureRequest, Renderer, write};

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let req = FigureRequest {
        figure: Figure::Dashboard,
        scale: 2.0,
        dark: false,
    };
    let t0 = Instant::now();
    let mut r = Renderer::new(PersistedState::default(), &req).expect("renderer");
    let opened = t0.elapsed();
    let (img, res) = r.render(Figure::Dashboard).expect("first render");
    let startup = t0.elapsed();
    write(&img, &res, Figure::Dashboard, &dir.path().join("first.png")).expect("write");
    let mut times = Vec::new();
    for i in 0..5 {
        let t = Instant::now();
        let (img, res) = r.render(Figure::Dashboard).expect("render");
        write(
            &img,
            &res,
            Figure::Dashboard,
            &dir.path().join(format!("d{i}.png")),
        )
        .expect("write");
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    println!(
        "dashboard 2x ({} x {} px): start-up {:.2} s (app opened, sample loaded and computed {:.2} s; first render {:.2} s); export after start-up: best {:.3} s, median {:.3} s",
        img.width(),
        img.height(),
        startup.as_secs_f64(),
        opened.as_secs_f64(),
        (startup - opened).as_secs_f64(),
        times[0],
        times[2]
    );
}
