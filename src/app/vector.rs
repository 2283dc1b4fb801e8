//! Vector figures: the shapes egui lays out for a figure (before they are tessellated into
//! triangles) written as SVG, and SVG pages written as one PDF. It is the same frame the
//! PNG is rasterized from, so the three formats cannot disagree. Text stays text (each run
//! of glyphs placed where egui placed it, in the bundled fonts), lines stay lines, bars
//! stay rectangles; the PDF embeds the fonts it uses, subset.

use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

use egui::Vec2;
use egui::epaint::{
    ClippedShape, Color32, ColorMode, CornerRadius, Galley, Mesh, PathStroke, Pos2, Rect, Shape,
    Stroke, StrokeKind, TextShape,
};
use usvg::fontdb;

use super::messages::ExportError;
use crate::export::Unvectorizable;

/// A figure as SVG, its size in points (one SVG user unit is one point), and its title
/// (the SVG's `<title>`, and a PDF's).
#[derive(Clone, Debug)]
pub struct Svg {
    pub text: String,
    pub size: [f32; 2],
    pub title: String,
}

/// One of egui's fonts as usvg finds it: its face in the database, the family name SVG
/// names it by, and egui's size tweak for it (its icon font is drawn smaller).
struct Face {
    id: fontdb::ID,
    family: String,
    scale: f32,
}

/// The bundled fonts egui draws with, loaded for usvg, and each egui family's faces in
/// egui's fallback order.
struct Fonts {
    db: Arc<fontdb::Database>,
    proportional: Vec<Face>,
    monospace: Vec<Face>,
    /// egui's fonts fontdb could not read (none: they are compiled in).
    unread: Vec<String>,
}

impl Fonts {
    /// The face egui draws `c` with in `family`: the first of the family's fonts that has
    /// it (the first font's replacement mark when none has).
    fn face(&self, family: &egui::FontFamily, c: char) -> Option<&Face> {
        let list = match family {
            egui::FontFamily::Monospace => &self.monospace,
            _ => &self.proportional,
        };
        let has = |f: &&Face| {
            self.db
                .with_face_data(f.id, |data, index| {
                    let face = ttf_parser::Face::parse(data, index).ok()?;
                    face.glyph_index(c)
                })
                .flatten()
                .is_some()
        };
        list.iter().find(has).or(list.first())
    }
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let defs = super::fonts::definitions();
        let mut db = fontdb::Database::new();
        let mut loaded = std::collections::HashMap::new();
        let mut unread = Vec::new();
        for (key, data) in &defs.font_data {
            let ids = db.load_font_source(fontdb::Source::Binary(data.font.clone()));
            let id = ids.get(data.index as usize).or(ids.first()).copied();
            match id.and_then(|id| Some((id, db.face(id)?.families.first()?.0.clone()))) {
                Some((id, family)) => {
                    loaded.insert(key.clone(), (id, family, data.tweak.scale));
                }
                None => unread.push(key.clone()),
            }
        }
        let list = |family: egui::FontFamily| -> Vec<Face> {
            defs.families
                .get(&family)
                .into_iter()
                .flatten()
                .filter_map(|k| loaded.get(k))
                .map(|(id, family, scale)| Face {
                    id: *id,
                    family: family.clone(),
                    scale: *scale,
                })
                .collect()
        };
        Fonts {
            proportional: list(egui::FontFamily::Proportional),
            monospace: list(egui::FontFamily::Monospace),
            db: Arc::new(db),
            unread,
        }
    })
}

/// A number as SVG writes it: two decimals, trailing zeros dropped; within ±1e7 as epaint
/// clamps its rectangles, and 0 for what is not a number.
fn num(x: f32) -> String {
    let x = if x.is_nan() { 0.0 } else { x.clamp(-1e7, 1e7) };
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 cannot hold.
            c if (c as u32) < 0x20 => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `fill="…"` or `stroke="…"` with its opacity; None when the colour is transparent. An
/// additive colour (egui's faint row stripes: alpha 0, added to what is beneath) is written
/// as the page's background plus it, opaque: what it gives on the background, where egui
/// draws it.
fn paint(attr: &str, c: Color32, bg: Color32) -> Option<String> {
    let c = if c.a() == 0 && c != Color32::TRANSPARENT {
        let [r, g, b, _] = bg.to_array();
        Color32::from_rgb(
            r.saturating_add(c.r()),
            g.saturating_add(c.g()),
            b.saturating_add(c.b()),
        )
    } else {
        c
    };
    if c.a() == 0 {
        return None;
    }
    let [r, g, b, a] = c.to_srgba_unmultiplied();
    let mut s = format!(r##"{attr}="#{r:02x}{g:02x}{b:02x}""##);
    if a < 255 {
        let _ = write!(s, r#" {attr}-opacity="{}""#, num(a as f32 / 255.0));
    }
    Some(s)
}

/// The fill and stroke attributes of a shape (`fill="none"` when it has no fill).
fn style(fill: Color32, stroke: Option<(f32, Color32)>, bg: Color32) -> String {
    let mut s = paint("fill", fill, bg).unwrap_or_else(|| r#"fill="none""#.into());
    if let Some((w, c)) = stroke
        && w > 0.0
        && let Some(p) = paint("stroke", c, bg)
    {
        let _ = write!(s, r#" {p} stroke-width="{}""#, num(w));
    }
    s
}

fn path_stroke(s: &PathStroke, points: &[Pos2]) -> Option<(f32, Color32)> {
    match &s.color {
        ColorMode::Solid(c) => Some((s.width, *c)),
        // A gradient stroke: its colour at the first point, as SVG has no per-point
        // colours.
        ColorMode::UV(f) => {
            let first = points.first().copied().unwrap_or_default();
            Some((s.width, f(Rect::from_points(points), first)))
        }
    }
}

fn points_d(points: &[Pos2], closed: bool) -> String {
    let mut d = String::new();
    for (i, p) in points.iter().enumerate() {
        let _ = write!(
            d,
            "{}{} {}",
            if i == 0 { "M" } else { "L" },
            num(p.x),
            num(p.y)
        );
    }
    if closed {
        d.push('Z');
    }
    d
}

/// The radii of a rectangle's corners, in points.
#[derive(Clone, Copy, PartialEq)]
struct CornerRadiusF32 {
    nw: f32,
    ne: f32,
    sw: f32,
    se: f32,
}

impl From<CornerRadius> for CornerRadiusF32 {
    fn from(r: CornerRadius) -> Self {
        CornerRadiusF32 {
            nw: r.nw as f32,
            ne: r.ne as f32,
            sw: r.sw as f32,
            se: r.se as f32,
        }
    }
}

impl CornerRadiusF32 {
    fn map(self, f: impl Fn(f32) -> f32) -> Self {
        CornerRadiusF32 {
            nw: f(self.nw),
            ne: f(self.ne),
            sw: f(self.sw),
            se: f(self.se),
        }
    }
}

struct Writer {
    /// The page's background, for additive colours.
    bg: Color32,
    out: String,
    clips: Vec<Rect>,
    bounds: Rect,
}

impl Writer {
    fn shape(&mut self, shape: &Shape) -> Result<(), ExportError> {
        let bg = self.bg;
        let out = &mut self.out;
        match shape {
            Shape::Noop => {}
            Shape::Vec(v) => {
                for s in v {
                    self.shape(s)?;
                }
            }
            // egui strokes circles and ellipses outside their radius.
            Shape::Circle(c) => ellipse(
                out,
                c.center,
                Vec2::splat(c.radius),
                0.0,
                c.fill,
                c.stroke,
                bg,
            ),
            Shape::Ellipse(e) => ellipse(out, e.center, e.radius, e.angle, e.fill, e.stroke, bg),
            Shape::LineSegment { points, stroke } => line(out, points, *stroke, bg),
            Shape::Path(p) => {
                let fill = if p.closed {
                    p.fill
                } else {
                    Color32::TRANSPARENT
                };
                let _ = writeln!(
                    out,
                    r#"<path d="{}" {} stroke-linejoin="round"/>"#,
                    points_d(&p.points, p.closed),
                    style(fill, path_stroke(&p.stroke, &p.points), bg)
                );
            }
            Shape::Band(b) => {
                let mut pts: Vec<Pos2> = b.points.iter().map(|p| Pos2::new(p.x, p.y.min)).collect();
                pts.extend(b.points.iter().rev().map(|p| Pos2::new(p.x, p.y.max)));
                let _ = writeln!(
                    out,
                    r#"<path d="{}" transform="rotate({})" {}/>"#,
                    points_d(&pts, true),
                    num(b.angle.to_degrees()),
                    style(b.fill, Some((b.stroke.width, b.stroke.color)), bg)
                );
            }
            Shape::Rect(r) => {
                if r.brush.is_some() {
                    return Err(ExportError::NotVector(Unvectorizable::Image));
                }
                let radii = CornerRadiusF32::from(r.corner_radius);
                if r.fill != Color32::TRANSPARENT {
                    rect(out, r.rect, radii, r.angle, &style(r.fill, None, bg));
                }
                if r.stroke.width > 0.0 && r.stroke.color != Color32::TRANSPARENT {
                    // The stroke's centre line, and its corners' radii there.
                    let w = r.stroke.width;
                    let (at, grow) = match r.stroke_kind {
                        StrokeKind::Inside => (r.rect.shrink(w / 2.0), -w / 2.0),
                        StrokeKind::Middle => (r.rect, 0.0),
                        StrokeKind::Outside => (r.rect.expand(w / 2.0), w / 2.0),
                    };
                    let radii = radii.map(|c| if c > 0.0 { (c + grow).max(0.0) } else { 0.0 });
                    let s = style(Color32::TRANSPARENT, Some((w, r.stroke.color)), bg);
                    rect(out, at, radii, r.angle, &s);
                }
            }
            Shape::Text(t) => text(out, t, fonts(), bg),
            Shape::Mesh(m) => mesh(out, m, bg)?,
            Shape::QuadraticBezier(q) => {
                curve(out, 'Q', &q.points, q.closed, q.fill, &q.stroke, bg)
            }
            Shape::CubicBezier(c) => curve(out, 'C', &c.points, c.closed, c.fill, &c.stroke, bg),
            Shape::Callback(_) => return Err(ExportError::NotVector(Unvectorizable::Callback)),
        }
        Ok(())
    }

    /// The clip path of a clip rectangle, none when it holds the whole figure.
    fn clip(&mut self, r: Rect) -> Option<usize> {
        if r.contains_rect(self.bounds) {
            return None;
        }
        let r = r.intersect(self.bounds);
        match self.clips.iter().position(|c| *c == r) {
            Some(i) => Some(i),
            None => {
                self.clips.push(r);
                Some(self.clips.len() - 1)
            }
        }
    }
}

/// A Bézier curve: `M` to its first point, then `cmd` (Q or C) through the others.
fn curve(
    out: &mut String,
    cmd: char,
    points: &[Pos2],
    closed: bool,
    fill: Color32,
    stroke: &PathStroke,
    bg: Color32,
) {
    let mut d = String::new();
    for (i, p) in points.iter().enumerate() {
        let op = match i {
            0 => "M",
            1 => &cmd.to_string(),
            _ => " ",
        };
        let _ = write!(d, "{op}{} {}", num(p.x), num(p.y));
    }
    if closed {
        d.push('Z');
    }
    let fill = if closed { fill } else { Color32::TRANSPARENT };
    let _ = writeln!(
        out,
        r#"<path d="{d}" {}/>"#,
        style(fill, path_stroke(stroke, points), bg)
    );
}

fn line(out: &mut String, p: &[Pos2; 2], stroke: Stroke, bg: Color32) {
    if let Some(c) = paint("stroke", stroke.color, bg)
        && stroke.width > 0.0
    {
        let _ = writeln!(
            out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" {c} stroke-width="{}"/>"#,
            num(p[0].x),
            num(p[0].y),
            num(p[1].x),
            num(p[1].y),
            num(stroke.width)
        );
    }
}

/// ` transform="rotate(…)"` by `angle` (radians, clockwise) about a point; none at 0.
fn rotation(angle: f32, about: Pos2) -> String {
    if angle == 0.0 {
        return String::new();
    }
    format!(
        r#" transform="rotate({} {} {})""#,
        num(angle.to_degrees()),
        num(about.x),
        num(about.y)
    )
}

/// A rectangle with its corners' radii (each at most half the shorter side, as epaint
/// draws them), rotated about its centre: a `<rect>` when the corners are alike, else a
/// path of arcs.
fn rect(out: &mut String, r: Rect, radii: CornerRadiusF32, angle: f32, style: &str) {
    let half = 0.5 * r.width().min(r.height()).max(0.0);
    let c = radii.map(|x| x.clamp(0.0, half));
    let rotate = rotation(angle, r.center());
    if c.nw == c.ne && c.nw == c.sw && c.nw == c.se {
        let rx = if c.nw > 0.0 {
            format!(r#" rx="{}""#, num(c.nw))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            r#"<rect x="{}" y="{}" width="{}" height="{}"{rx}{rotate} {style}/>"#,
            num(r.min.x),
            num(r.min.y),
            num(r.width()),
            num(r.height())
        );
        return;
    }
    let (x0, y0, x1, y1) = (r.min.x, r.min.y, r.max.x, r.max.y);
    let arc = |d: &mut String, rad: f32, x: f32, y: f32| {
        let _ = write!(d, "A{0} {0} 0 0 1 {1} {2}", num(rad), num(x), num(y));
    };
    let mut d = format!("M{} {}", num(x0 + c.nw), num(y0));
    let _ = write!(d, "L{} {}", num(x1 - c.ne), num(y0));
    arc(&mut d, c.ne, x1, y0 + c.ne);
    let _ = write!(d, "L{} {}", num(x1), num(y1 - c.se));
    arc(&mut d, c.se, x1 - c.se, y1);
    let _ = write!(d, "L{} {}", num(x0 + c.sw), num(y1));
    arc(&mut d, c.sw, x0, y1 - c.sw);
    let _ = write!(d, "L{} {}", num(x0), num(y0 + c.nw));
    arc(&mut d, c.nw, x0 + c.nw, y0);
    let _ = writeln!(out, r#"<path d="{d}Z"{rotate} {style}/>"#);
}

/// A circle or ellipse: its fill within the radius, its stroke outside it (as egui
/// strokes them), rotated by `angle`.
fn ellipse(
    out: &mut String,
    centre: Pos2,
    radius: Vec2,
    angle: f32,
    fill: Color32,
    stroke: Stroke,
    bg: Color32,
) {
    let mut one = |r: Vec2, style: String| {
        let rotate = rotation(angle, centre);
        let _ = writeln!(
            out,
            r#"<ellipse cx="{}" cy="{}" rx="{}" ry="{}"{rotate} {style}/>"#,
            num(centre.x),
            num(centre.y),
            num(r.x),
            num(r.y)
        );
    };
    if fill != Color32::TRANSPARENT {
        one(radius, style(fill, None, bg));
    }
    if stroke.width > 0.0 && stroke.color != Color32::TRANSPARENT {
        let r = radius + Vec2::splat(stroke.width / 2.0);
        one(
            r,
            style(Color32::TRANSPARENT, Some((stroke.width, stroke.color)), bg),
        );
    }
}

/// A mesh without a texture, as its triangles: one path per colour (a vertex's colour is
/// the triangle's; the meshes charts draw are one colour each).
fn mesh(out: &mut String, m: &Mesh, bg: Color32) -> Result<(), ExportError> {
    if m.texture_id != egui::TextureId::default() {
        return Err(ExportError::NotVector(Unvectorizable::Image));
    }
    let mut by_colour: Vec<(Color32, String)> = Vec::new();
    for t in m.indices.chunks_exact(3) {
        let [Some(a), Some(b), Some(c)] = [0, 1, 2].map(|k| m.vertices.get(t[k] as usize)) else {
            return Err(ExportError::Render(format!(
                "a mesh's triangle names a vertex past its {}",
                m.vertices.len()
            )));
        };
        if a.color == Color32::TRANSPARENT {
            continue;
        }
        let d = points_d(&[a.pos, b.pos, c.pos], true);
        match by_colour.iter_mut().find(|(k, _)| *k == a.color) {
            Some((_, path)) => path.push_str(&d),
            None => by_colour.push((a.color, d)),
        }
    }
    for (c, d) in by_colour {
        // An opaque mesh's triangles get a hairline of their colour, so no seam shows
        // between them; a see-through one none (it would darken the shared edges).
        let edge = (c.a() == 255).then_some((0.25, c));
        let _ = writeln!(out, r#"<path d="{d}" {}/>"#, style(c, edge, bg));
    }
    Ok(())
}

/// The section (font and colour) of each glyph of a galley, row by row: the glyphs follow
/// the job's characters less its newlines; a glyph that is none of the next characters
/// (the elision mark of a truncated label) keeps the section it is in.
fn glyph_sections(g: &Galley) -> Vec<Vec<usize>> {
    let sections = &g.job.sections;
    let section_at = |byte: usize| {
        sections
            .iter()
            .position(|s| s.byte_range.contains(&egui::epaint::text::ByteIndex(byte)))
            .unwrap_or(sections.len().saturating_sub(1))
    };
    let chars: Vec<(usize, char)> = g
        .job
        .text
        .char_indices()
        .filter(|(_, c)| *c != '\n' && *c != '\r')
        .collect();
    // The next character not yet matched; a glyph matches within a few characters of it
    // (egui drops a mark no font has), so one unmatched glyph cannot lose the place.
    let mut next = 0;
    let mut current = 0;
    g.rows
        .iter()
        .map(|row| {
            row.glyphs
                .iter()
                .map(|glyph| {
                    let ahead = chars.len().min(next + 4);
                    if let Some(j) = (next..ahead).find(|&j| chars[j].1 == glyph.chr) {
                        current = section_at(chars[j].0);
                        next = j + 1;
                    }
                    current
                })
                .collect()
        })
        .collect()
}

/// Glyphs as SVG places them: characters each at its own x, or a ligature (a glyph and
/// the characters egui merged into it, which have no advance) placed as one.
enum Piece<'a> {
    Placed(&'a [egui::epaint::text::Glyph]),
    Ligature(&'a [egui::epaint::text::Glyph]),
}

impl<'a> Piece<'a> {
    fn glyphs(&self) -> &'a [egui::epaint::text::Glyph] {
        match self {
            Piece::Placed(g) | Piece::Ligature(g) => g,
        }
    }
}

fn pieces(glyphs: &[egui::epaint::text::Glyph]) -> Vec<Piece<'_>> {
    let merged =
        |i: usize| i > 0 && glyphs[i].advance_width == 0.0 && !glyphs[i].chr.is_whitespace();
    let mut out = Vec::new();
    let (mut i, mut placed) = (0, 0);
    while i < glyphs.len() {
        let end = (i + 1..glyphs.len())
            .find(|&j| !merged(j))
            .unwrap_or(glyphs.len());
        if end > i + 1 {
            if placed < i {
                out.push(Piece::Placed(&glyphs[placed..i]));
            }
            out.push(Piece::Ligature(&glyphs[i..end]));
            placed = end;
        }
        i = end;
    }
    if placed < glyphs.len() {
        out.push(Piece::Placed(&glyphs[placed..]));
    }
    out
}

/// The ranges of `0..n` over which `key` stays the same.
fn runs<K: PartialEq>(n: usize, key: impl Fn(usize) -> K) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < n {
        let k = key(start);
        let end = (start + 1..n).find(|&i| key(i) != k).unwrap_or(n);
        out.push(start..end);
        start = end;
    }
    out
}

/// A text shape: for each row, one `<text>` per run of glyphs in one section and one
/// font face (the one egui drew them with), each character at the x and on the baseline
/// egui placed it.
fn text(out: &mut String, t: &TextShape, fonts: &Fonts, bg: Color32) {
    let g = &t.galley;
    if g.job.sections.is_empty() {
        return;
    }
    let rotate = t.angle != 0.0;
    if rotate {
        let _ = writeln!(out, "<g{}>", rotation(t.angle, t.pos));
    }
    let sections = glyph_sections(g);
    for (row, secs) in g.rows.iter().zip(&sections) {
        let origin = t.pos + row.pos.to_vec2();
        for run in runs(row.glyphs.len(), |i| secs[i]) {
            let format = &g.job.sections[secs[run.start]].format;
            let mut colour = t.override_text_color.unwrap_or(format.color);
            if colour == Color32::PLACEHOLDER {
                colour = t.fallback_color;
            }
            if t.opacity_factor < 1.0 {
                colour = colour.gamma_multiply(t.opacity_factor);
            }
            let Some(fill) = paint("fill", colour, bg) else {
                continue;
            };
            let italic = if format.italics {
                r#" font-style="italic""#
            } else {
                ""
            };
            let glyphs = &row.glyphs[run];
            let family = &format.font_id.family;
            let face = |i: usize| fonts.face(family, glyphs[i].chr).map(|f| f.id);
            for by_face in runs(glyphs.len(), face) {
                let glyphs = &glyphs[by_face];
                if glyphs.iter().all(|gl| gl.chr.is_whitespace()) {
                    continue;
                }
                let Some(face) = fonts.face(family, glyphs[0].chr) else {
                    continue;
                };
                let size = num(format.font_id.size * face.scale);
                for piece in pieces(glyphs) {
                    // Each character at its x and y; a ligature ("fi": egui gives the
                    // second character no advance) at those of its first, shaped as one.
                    let at = |gs: &[egui::epaint::text::Glyph]| {
                        let xs: Vec<String> =
                            gs.iter().map(|gl| num(origin.x + gl.pos.x)).collect();
                        let mut ys: Vec<String> =
                            gs.iter().map(|gl| num(origin.y + gl.pos.y)).collect();
                        if ys.iter().all(|y| *y == ys[0]) {
                            ys.truncate(1);
                        }
                        (xs.join(" "), ys.join(" "))
                    };
                    let (x, y) = match piece {
                        Piece::Placed(gs) => at(gs),
                        Piece::Ligature(gs) => at(&gs[..1]),
                    };
                    let chars: String = piece.glyphs().iter().map(|gl| gl.chr).collect();
                    let _ = writeln!(
                        out,
                        r#"<text xml:space="preserve" x="{x}" y="{y}" font-family="'{}'" font-size="{size}"{italic} {fill}>{}</text>"#,
                        face.family,
                        escape(&chars)
                    );
                }
            }
        }
        if t.underline.width > 0.0 && row.glyphs.iter().any(|gl| !gl.chr.is_whitespace()) {
            // Under the row's ink, as epaint draws it.
            let r = row.visuals.mesh_bounds.translate(origin.to_vec2());
            line(out, &[r.left_bottom(), r.right_bottom()], t.underline, bg);
        }
    }
    if rotate {
        out.push_str("</g>\n");
    }
}

/// The SVG of a frame's shapes, `size` points wide and high, on a page of colour `bg`.
pub fn svg(
    shapes: &[ClippedShape],
    size: [f32; 2],
    bg: Color32,
    title: &str,
) -> Result<Svg, ExportError> {
    if let Some(font) = fonts().unread.first() {
        return Err(ExportError::FontUnreadable { font: font.clone() });
    }
    let bounds = Rect::from_min_size(Pos2::ZERO, size.into());
    let mut w = Writer {
        bg,
        out: String::new(),
        clips: Vec::new(),
        bounds,
    };
    let mut open: Option<Option<usize>> = None;
    for s in shapes {
        let clip = w.clip(s.clip_rect);
        if open != Some(clip) {
            if matches!(open, Some(Some(_))) {
                w.out.push_str("</g>\n");
            }
            if let Some(i) = clip {
                let _ = writeln!(w.out, r#"<g clip-path="url(#clip{i})">"#);
            }
            open = Some(clip);
        }
        // A layer's transform (egui applies it after tessellating), around the shape.
        let t = s.transform_after_tessellation;
        let moved = t != egui::emath::TSTransform::IDENTITY;
        if moved {
            let _ = writeln!(
                w.out,
                r#"<g transform="matrix({0} 0 0 {0} {1} {2})">"#,
                num(t.scaling),
                num(t.translation.x),
                num(t.translation.y)
            );
        }
        w.shape(&s.shape)?;
        if moved {
            w.out.push_str(
                "</g>
",
            );
        }
    }
    if matches!(open, Some(Some(_))) {
        w.out.push_str("</g>\n");
    }
    let mut text = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" viewBox="0 0 {0} {1}">
"#,
        num(size[0]),
        num(size[1])
    );
    let _ = writeln!(text, "<title>{}</title>", escape(title));
    if !w.clips.is_empty() {
        text.push_str("<defs>\n");
        for (i, r) in w.clips.iter().enumerate() {
            let _ = writeln!(
                text,
                r#"<clipPath id="clip{i}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath>"#,
                num(r.min.x),
                num(r.min.y),
                num(r.width().max(0.0)),
                num(r.height().max(0.0))
            );
        }
        text.push_str("</defs>\n");
    }
    text.push_str(&w.out);
    text.push_str("</svg>\n");
    Ok(Svg {
        text,
        size,
        title: title.to_string(),
    })
}

/// Parse an SVG of ours with the bundled fonts, as the PDF writer reads it.
pub fn parse(svg: &Svg) -> Result<usvg::Tree, ExportError> {
    let opt = usvg::Options {
        fontdb: fonts().db.clone(),
        ..Default::default()
    };
    usvg::Tree::from_str(&svg.text, &opt).map_err(|e| ExportError::Encode(e.to_string()))
}

/// One PDF of the pages, each the size of its SVG in points, titled; text as text, the
/// fonts used embedded (subset).
pub fn pdf(pages: &[Svg], title: &str) -> Result<Vec<u8>, ExportError> {
    use krilla::Document;
    use krilla::geom::Size;
    use krilla::metadata::Metadata;
    use krilla::page::PageSettings;
    use krilla_svg::{SurfaceExt, SvgSettings};
    let trees = pages.iter().map(parse).collect::<Result<Vec<_>, _>>()?;
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .creator(format!("HALO Workbench {}", env!("CARGO_PKG_VERSION"))),
    );
    for (svg, tree) in pages.iter().zip(&trees) {
        let [w, h] = svg.size;
        let (Some(size), Some(settings)) = (Size::from_wh(w, h), PageSettings::from_wh(w, h))
        else {
            return Err(ExportError::Encode(format!("a page of {w} x {h} points")));
        };
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        surface.draw_svg(tree, size, SvgSettings::default());
        surface.finish();
        page.finish();
    }
    doc.finish()
        .map_err(|e| ExportError::Encode(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::epaint::{CircleShape, CubicBezierShape, PathShape, RectShape};

    fn clipped(shape: Shape) -> ClippedShape {
        ClippedShape {
            clip_rect: Rect::EVERYTHING,
            shape,
            transform_after_tessellation: Default::default(),
        }
    }

    fn one(shape: Shape) -> String {
        let svg = svg(
            &[clipped(shape)],
            [100.0, 50.0],
            Color32::from_gray(248),
            "t",
        )
        .unwrap();
        parse(&svg).unwrap();
        svg.text
    }

    #[test]
    fn each_shape_is_its_element_where_egui_draws_it() {
        let r = Rect::from_min_max(Pos2::new(10.0, 10.0), Pos2::new(30.0, 20.0));
        // A stroke inside the rectangle: its centre line is half the width in.
        let s = one(Shape::Rect(RectShape::new(
            r,
            3,
            Color32::from_rgb(255, 0, 0),
            Stroke::new(2.0, Color32::BLACK),
            StrokeKind::Inside,
        )));
        assert!(
            s.contains(r##"<rect x="10" y="10" width="20" height="10" rx="3" fill="#ff0000"/>"##),
            "{s}"
        );
        // ... and its corners' radius there, 3 - 1.
        assert!(s.contains(r##"<rect x="11" y="11" width="18" height="8" rx="2" fill="none" stroke="#000000" stroke-width="2"/>"##), "{s}");
        // Corners unlike: a path of arcs, each radius at most half the height.
        let radii = CornerRadius {
            nw: 0,
            ne: 9,
            sw: 0,
            se: 2,
        };
        let s = one(Shape::rect_filled(r, radii, Color32::RED));
        assert!(s.contains(r##"<path d="M10 10L25 10A5 5 0 0 1 30 15L30 18A2 2 0 0 1 28 20L10 20A0 0 0 0 1 10 20L10 10A0 0 0 0 1 10 10Z" fill="#ff0000"/>"##), "{s}");
        // egui strokes a circle outside its radius: the stroke's centre at 4 + 1.
        let s = one(Shape::Circle(CircleShape::stroke(
            Pos2::new(5.0, 6.0),
            4.0,
            Stroke::new(2.0, Color32::BLACK),
        )));
        assert!(s.contains(r##"<ellipse cx="5" cy="6" rx="5" ry="5" fill="none" stroke="#000000" stroke-width="2"/>"##), "{s}");
        // Premultiplied half-transparent white is white at opacity 0.5.
        let s = one(Shape::Circle(CircleShape::filled(
            Pos2::new(5.0, 6.0),
            4.0,
            Color32::from_white_alpha(128),
        )));
        assert!(
            s.contains(
                r##"<ellipse cx="5" cy="6" rx="4" ry="4" fill="#ffffff" fill-opacity="0.5"/>"##
            ),
            "{s}"
        );
        let s = one(Shape::line_segment(
            [Pos2::new(0.0, 1.0), Pos2::new(9.5, 1.0)],
            Stroke::new(1.5, Color32::BLUE),
        ));
        assert!(
            s.contains(
                r##"<line x1="0" y1="1" x2="9.5" y2="1" stroke="#0000ff" stroke-width="1.5"/>"##
            ),
            "{s}"
        );
        // An open path is never filled; a closed one is.
        let pts = vec![
            Pos2::new(0.0, 0.0),
            Pos2::new(4.0, 0.0),
            Pos2::new(4.0, 3.0),
        ];
        let s = one(Shape::Path(PathShape::line(
            pts.clone(),
            Stroke::new(1.0, Color32::RED),
        )));
        assert!(s.contains(r#"d="M0 0L4 0L4 3" fill="none""#), "{s}");
        let s = one(Shape::Path(PathShape::convex_polygon(
            pts,
            Color32::GREEN,
            Stroke::NONE,
        )));
        assert!(s.contains(r##"d="M0 0L4 0L4 3Z" fill="#00ff00""##), "{s}");
        let s = one(Shape::CubicBezier(CubicBezierShape::from_points_stroke(
            [
                Pos2::ZERO,
                Pos2::new(1.0, 2.0),
                Pos2::new(3.0, 2.0),
                Pos2::new(4.0, 0.0),
            ],
            false,
            Color32::TRANSPARENT,
            Stroke::new(1.0, Color32::BLACK),
        )));
        assert!(s.contains(r#"d="M0 0C1 2 3 2 4 0" fill="none""#), "{s}");
        // egui's faint stripes add to what is beneath: on the page, 248 + 5.
        let s = one(Shape::rect_filled(
            r,
            0,
            Color32::from_additive_luminance(5),
        ));
        assert!(s.contains(r##"fill="#fdfdfd""##), "{s}");
    }

    #[test]
    fn a_clip_rectangle_clips_and_what_cannot_be_vectors_is_refused() {
        let r = Rect::from_min_max(Pos2::new(10.0, 10.0), Pos2::new(30.0, 20.0));
        let shape = ClippedShape {
            clip_rect: r,
            shape: Shape::rect_filled(r.expand(5.0), 0, Color32::RED),
            transform_after_tessellation: egui::emath::TSTransform::new(egui::vec2(3.0, 4.0), 2.0),
        };
        let s = svg(&[shape], [100.0, 50.0], Color32::WHITE, "t")
            .unwrap()
            .text;
        assert!(s.contains(r#"<g transform="matrix(2 0 0 2 3 4)">"#), "{s}");
        assert!(
            s.contains(
                r#"<clipPath id="clip0"><rect x="10" y="10" width="20" height="10"/></clipPath>"#
            ),
            "{s}"
        );
        assert!(s.contains(r#"<g clip-path="url(#clip0)">"#), "{s}");
        let mut m = Mesh::with_texture(egui::TextureId::User(1));
        m.add_rect_with_uv(
            r,
            Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
            Color32::WHITE,
        );
        let e = svg(
            &[clipped(Shape::mesh(m))],
            [100.0, 50.0],
            Color32::WHITE,
            "t",
        )
        .unwrap_err();
        assert_eq!(e, ExportError::NotVector(Unvectorizable::Image));
        // An untextured mesh is its triangles.
        let mut m = Mesh::default();
        m.add_colored_rect(r, Color32::RED);
        let s = one(Shape::mesh(m));
        assert_eq!(s.matches('Z').count(), 2, "{s}");
    }
}
