//! A CPU renderer for egui's output, for figures: egui tessellates the shapes into
//! triangles with gamma-space premultiplied vertex colours and texture coordinates (its
//! edges already feathered for anti-aliasing), and this draws them as egui-wgpu does on a
//! gamma framebuffer: pixel centres, the top-left fill rule, the colour times the texture
//! (bilinear), blended `src + dst (1 - src alpha)`, clipped to each primitive's rectangle
//! rounded to pixels. No GPU: a figure is drawn the same on any machine, in a fraction of
//! the time Mesa's software Vulkan takes (bands of rows in parallel).

use std::collections::HashMap;

use egui::epaint::{ClippedPrimitive, Primitive, TextureId, Vertex};
use egui::{Color32, TexturesDelta};
use rayon::prelude::*;

/// A texture as the rasterizer samples it: gamma-space premultiplied RGBA in 0..1.
struct Texture {
    size: [usize; 2],
    texels: Vec<[f32; 4]>,
    linear: bool,
}

impl Texture {
    fn texel(&self, x: isize, y: isize) -> [f32; 4] {
        let x = x.clamp(0, self.size[0] as isize - 1) as usize;
        let y = y.clamp(0, self.size[1] as isize - 1) as usize;
        self.texels[y * self.size[0] + x]
    }

    /// The texture at uv (0..1), bilinear or nearest, clamped at the edges.
    fn sample(&self, u: f32, v: f32) -> [f32; 4] {
        let (x, y) = (u * self.size[0] as f32, v * self.size[1] as f32);
        if !self.linear {
            return self.texel(x.floor() as isize, y.floor() as isize);
        }
        let (x, y) = (x - 0.5, y - 0.5);
        let (x0, y0) = (x.floor(), y.floor());
        let (fx, fy) = (x - x0, y - y0);
        let (x0, y0) = (x0 as isize, y0 as isize);
        let (a, b) = (self.texel(x0, y0), self.texel(x0 + 1, y0));
        let (c, d) = (self.texel(x0, y0 + 1), self.texel(x0 + 1, y0 + 1));
        let mut out = [0.0; 4];
        for k in 0..4 {
            let top = a[k] + (b[k] - a[k]) * fx;
            let bottom = c[k] + (d[k] - c[k]) * fx;
            out[k] = top + (bottom - top) * fy;
        }
        out
    }
}

fn unorm(c: Color32) -> [f32; 4] {
    c.to_array().map(|x| x as f32 / 255.0)
}

/// Draws egui's output on the CPU; a kittest renderer, so a harness keeps its textures.
#[derive(Default)]
pub struct CpuRenderer {
    textures: HashMap<TextureId, Texture>,
}

impl egui_kittest::TestRenderer for CpuRenderer {
    fn handle_delta(&mut self, delta: &mut TexturesDelta) {
        for (id, d) in delta
            .set
            .iter()
            .flat_map(|(id, ds)| ds.iter().map(move |d| (id, d)))
        {
            let egui::ImageData::Color(img) = &d.image;
            let texels: Vec<[f32; 4]> = img.pixels.iter().map(|c| unorm(*c)).collect();
            let linear = d.options.magnification == egui::TextureFilter::Linear;
            match (d.pos, self.textures.get_mut(id)) {
                (Some([x0, y0]), Some(t)) => {
                    for y in 0..img.size[1] {
                        for x in 0..img.size[0] {
                            let (tx, ty) = (x0 + x, y0 + y);
                            if tx < t.size[0] && ty < t.size[1] {
                                t.texels[ty * t.size[0] + tx] = texels[y * img.size[0] + x];
                            }
                        }
                    }
                }
                _ => {
                    self.textures.insert(
                        *id,
                        Texture {
                            size: img.size,
                            texels,
                            linear,
                        },
                    );
                }
            }
        }
        for id in &delta.free {
            self.textures.remove(id);
        }
        delta.clear();
    }

    fn render(
        &mut self,
        ctx: &egui::Context,
        output: &egui::FullOutput,
    ) -> Result<image::RgbaImage, String> {
        let ppp = ctx.pixels_per_point();
        let size = ctx.content_rect().size() * ppp;
        let (w, h) = (size.x.round() as usize, size.y.round() as usize);
        let prims = ctx.tessellate(output.shapes.clone(), ppp);
        let pixels = rasterize(&prims, [w, h], ppp, &self.textures)?;
        image::RgbaImage::from_raw(w as u32, h as u32, pixels)
            .ok_or_else(|| "the image buffer has the wrong size".to_string())
    }
}

/// A triangle in pixels, its vertices' colours and texture coordinates.
struct Tri<'a> {
    p: [[f64; 2]; 3],
    v: [&'a Vertex; 3],
}

/// The edge function of a line a->b: positive on one side, zero on the line. Made from
/// the endpoints in a fixed order, so two triangles sharing an edge get exactly opposite
/// values and a pixel centre on it is drawn by one of them only.
#[derive(Clone, Copy)]
struct Edge {
    s: [f64; 2],
    dx: f64,
    dy: f64,
    sign: f64,
}

impl Edge {
    fn new(a: [f64; 2], b: [f64; 2]) -> Edge {
        let (s, t, sign) = if (a[0], a[1]) <= (b[0], b[1]) {
            (a, b, 1.0)
        } else {
            (b, a, -1.0)
        };
        Edge {
            s,
            dx: t[0] - s[0],
            dy: t[1] - s[1],
            sign,
        }
    }

    fn at(&self, p: [f64; 2]) -> f64 {
        self.sign * (self.dx * (p[1] - self.s[1]) - self.dy * (p[0] - self.s[0]))
    }
}

/// Draw the primitives into a transparent `[w, h]` image (RGBA8, row by row).
fn rasterize(
    prims: &[ClippedPrimitive],
    [w, h]: [usize; 2],
    ppp: f32,
    textures: &HashMap<TextureId, Texture>,
) -> Result<Vec<u8>, String> {
    let mut out = vec![0u8; w * h * 4];
    if w == 0 || h == 0 {
        return Ok(out);
    }
    // Every mesh with its scissor rectangle in pixels, as egui-wgpu rounds it.
    let mut meshes = Vec::new();
    for p in prims {
        let mesh = match &p.primitive {
            Primitive::Mesh(m) => m,
            Primitive::Callback(_) => {
                return Err("a custom paint callback cannot be drawn off screen".into());
            }
        };
        let tex = textures
            .get(&mesh.texture_id)
            .ok_or_else(|| format!("texture {:?} was never sent", mesh.texture_id))?;
        let r = p.clip_rect;
        let clip = [
            ((r.min.x * ppp).round().max(0.0) as usize).min(w),
            ((r.min.y * ppp).round().max(0.0) as usize).min(h),
            ((r.max.x * ppp).round().max(0.0) as usize).min(w),
            ((r.max.y * ppp).round().max(0.0) as usize).min(h),
        ];
        if clip[0] >= clip[2] || clip[1] >= clip[3] {
            continue;
        }
        let tris: Vec<Tri> = mesh
            .indices
            .chunks_exact(3)
            .filter_map(|ix| {
                let v = [ix[0], ix[1], ix[2]].map(|i| mesh.vertices.get(i as usize));
                let v = [v[0]?, v[1]?, v[2]?];
                let p = v.map(|v| [(v.pos.x * ppp) as f64, (v.pos.y * ppp) as f64]);
                Some(Tri { p, v })
            })
            .collect();
        meshes.push((clip, tex, tris));
    }
    // Bands of rows in parallel; each band draws every triangle that reaches it, in order.
    let band = (h / (4 * rayon::current_num_threads()).max(1)).max(16);
    out.par_chunks_mut(band * w * 4)
        .enumerate()
        .for_each(|(b, rows)| {
            let (y0, y1) = (b * band, (b * band + rows.len() / (w * 4)).min(h));
            for (clip, tex, tris) in &meshes {
                let (cy0, cy1) = (clip[1].max(y0), clip[3].min(y1));
                if cy0 >= cy1 {
                    continue;
                }
                for t in tris {
                    draw(t, tex, [clip[0], cy0, clip[2], cy1], y0, w, rows);
                }
            }
        });
    Ok(out)
}

/// Draw one triangle into the rows of a band starting at row `y0`, within `clip`
/// ([x0, y0, x1, y1) in pixels).
fn draw(t: &Tri, tex: &Texture, clip: [usize; 4], y0: usize, w: usize, rows: &mut [u8]) {
    let [a, b, c] = t.p;
    let area = Edge::new(a, b).at(c);
    if area == 0.0 || !area.is_finite() {
        return;
    }
    let (xmin, xmax) = (a[0].min(b[0]).min(c[0]), a[0].max(b[0]).max(c[0]));
    let (ymin, ymax) = (a[1].min(b[1]).min(c[1]), a[1].max(b[1]).max(c[1]));
    // Pixels whose centre can be inside.
    let px0 = ((xmin - 0.5).ceil().max(clip[0] as f64)) as usize;
    let px1 = ((xmax - 0.5).floor() + 1.0).min(clip[2] as f64);
    let py0 = ((ymin - 0.5).ceil().max(clip[1] as f64)) as usize;
    let py1 = ((ymax - 0.5).floor() + 1.0).min(clip[3] as f64);
    if px1 <= px0 as f64 || py1 <= py0 as f64 {
        return;
    }
    let (px1, py1) = (px1 as usize, py1 as usize);
    // Orient so that inside is where all edge functions are positive.
    let s = area.signum();
    let ends = [(b, c), (c, a), (a, b)];
    let edges = ends.map(|(p, q)| Edge::new(p, q));
    // An edge is "top" or "left" (its centres are drawn) by the direction it runs in the
    // orientation where inside is on its left.
    let top_left = ends.map(|(p, q)| {
        let (dx, dy) = ((q[0] - p[0]) * s, (q[1] - p[1]) * s);
        dy < 0.0 || (dy == 0.0 && dx > 0.0)
    });
    let colors = t.v.map(|v| unorm(v.color));
    let uvs = t.v.map(|v| [v.uv.x, v.uv.y]);
    // One texture sample serves a triangle whose corners share their texture coordinate
    // (every untextured shape: egui points it at a white texel).
    let flat_uv = uvs[0] == uvs[1] && uvs[1] == uvs[2];
    let flat_tex = flat_uv.then(|| tex.sample(uvs[0][0], uvs[0][1]));
    let flat_color = colors[0] == colors[1] && colors[1] == colors[2];
    for y in py0..py1 {
        let cy = y as f64 + 0.5;
        let row = &mut rows[(y - y0) * w * 4..(y - y0 + 1) * w * 4];
        for x in px0..px1 {
            let p = [x as f64 + 0.5, cy];
            let mut lambda = [0.0f64; 3];
            let mut inside = true;
            for (k, edge) in edges.iter().enumerate() {
                let e = edge.at(p) * s;
                if e < 0.0 || (e == 0.0 && !top_left[k]) {
                    inside = false;
                    break;
                }
                lambda[k] = e;
            }
            if !inside {
                continue;
            }
            let total = area.abs();
            let l = lambda.map(|x| (x / total) as f32);
            let color = if flat_color {
                colors[0]
            } else {
                let mut c = [0.0; 4];
                for k in 0..4 {
                    c[k] = l[0] * colors[0][k] + l[1] * colors[1][k] + l[2] * colors[2][k];
                }
                c
            };
            let texel = match flat_tex {
                Some(t) => t,
                None => {
                    let u = l[0] * uvs[0][0] + l[1] * uvs[1][0] + l[2] * uvs[2][0];
                    let v = l[0] * uvs[0][1] + l[1] * uvs[1][1] + l[2] * uvs[2][1];
                    tex.sample(u, v)
                }
            };
            let src: [f32; 4] = std::array::from_fn(|k| color[k] * texel[k]);
            let px = &mut row[x * 4..x * 4 + 4];
            let keep = 1.0 - src[3];
            for k in 0..4 {
                let d = px[k] as f32 / 255.0;
                px[k] = ((src[k] + d * keep).clamp(0.0, 1.0) * 255.0).round() as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::epaint::Mesh;
    use egui::{Pos2, Rect, pos2};

    fn white() -> HashMap<TextureId, Texture> {
        let mut t = HashMap::new();
        t.insert(
            TextureId::Managed(0),
            Texture {
                size: [1, 1],
                texels: vec![[1.0; 4]],
                linear: true,
            },
        );
        t
    }

    fn quad(min: Pos2, max: Pos2, color: Color32) -> ClippedPrimitive {
        let mut m = Mesh::default();
        m.add_colored_rect(Rect::from_min_max(min, max), color);
        ClippedPrimitive {
            clip_rect: Rect::EVERYTHING,
            primitive: Primitive::Mesh(m),
        }
    }

    fn px(img: &[u8], w: usize, x: usize, y: usize) -> [u8; 4] {
        let i = (y * w + x) * 4;
        [img[i], img[i + 1], img[i + 2], img[i + 3]]
    }

    #[test]
    fn a_rectangle_covers_the_pixels_whose_centres_it_holds_once_each() {
        // Two triangles share the diagonal: a half-transparent fill must not be drawn
        // twice along it.
        let c = Color32::from_rgba_premultiplied(100, 50, 0, 128);
        let img = rasterize(
            &[quad(pos2(1.0, 1.0), pos2(5.0, 3.0), c)],
            [8, 4],
            1.0,
            &white(),
        )
        .unwrap();
        for y in 0..4 {
            for x in 0..8 {
                let inside = (1..5).contains(&x) && (1..3).contains(&y);
                let want = if inside { [100, 50, 0, 128] } else { [0; 4] };
                assert_eq!(px(&img, 8, x, y), want, "({x}, {y})");
            }
        }
    }

    #[test]
    fn colours_blend_over_what_is_below_and_scale_with_pixels_per_point() {
        let under = quad(pos2(0.0, 0.0), pos2(2.0, 2.0), Color32::WHITE);
        let over = quad(
            pos2(0.0, 0.0),
            pos2(1.0, 1.0),
            Color32::from_rgba_premultiplied(0, 0, 128, 128),
        );
        let img = rasterize(&[under, over], [4, 4], 2.0, &white()).unwrap();
        // src + dst (1 - a): 255 * (1 - 128/255) = 127 for red and green; blue 128 + 127.
        assert_eq!(px(&img, 4, 0, 0), [127, 127, 255, 255]);
        assert_eq!(
            px(&img, 4, 1, 1),
            [127, 127, 255, 255],
            "2 points = 2 pixels at 2x"
        );
        assert_eq!(px(&img, 4, 2, 2), [255, 255, 255, 255]);
    }

    #[test]
    fn the_clip_rectangle_and_texture_are_applied() {
        let mut p = quad(pos2(0.0, 0.0), pos2(4.0, 1.0), Color32::WHITE);
        p.clip_rect = Rect::from_min_max(pos2(1.0, 0.0), pos2(3.0, 1.0));
        if let Primitive::Mesh(m) = &mut p.primitive {
            m.texture_id = TextureId::Managed(1);
            // u runs 0..1 across the quad over a 2-texel texture: black, then red.
            for v in &mut m.vertices {
                v.uv = pos2(v.pos.x / 4.0, 0.5);
            }
        }
        let mut t = white();
        t.insert(
            TextureId::Managed(1),
            Texture {
                size: [2, 1],
                texels: vec![[0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 1.0]],
                linear: false,
            },
        );
        let img = rasterize(&[p], [4, 1], 1.0, &t).unwrap();
        assert_eq!(px(&img, 4, 0, 0), [0; 4], "clipped");
        assert_eq!(px(&img, 4, 1, 0), [0, 0, 0, 255]);
        assert_eq!(px(&img, 4, 2, 0), [255, 0, 0, 255]);
        assert_eq!(px(&img, 4, 3, 0), [0; 4], "clipped");
    }
}
