//! The panes, side by side in an egui_tiles layout the user can rearrange, resize,
//! maximise and restore. Each pane is one file: a struct with its own state, an options
//! row, its content, and (for a chart) one drawing function that the pane, presentation
//! mode and exported figures all call, plus the table of numbers an export writes beside
//! the figure. A pane reads a small context ([`PaneCtx`]) and asks for side effects with
//! [`Command`]s, which the app handles in one place. A new chart is a new file and one
//! line in [`panes!`] below.

use std::sync::Arc;

use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};

use super::Command;
use super::chart::{ChartCtx, ChartResponse};
use super::messages::ExportError;
use crate::data::Dataset;
use crate::engine::pipeline::{Inputs, Results};
use crate::engine::settings::Settings;
use crate::i18n::tr;
use crate::view::ViewState;

/// One kind of pane.
pub trait PaneView: Default {
    /// A chart: it has a figure, an export, and a slide in presentation mode.
    const CHART: bool = false;

    /// It has a figure and an export (every chart, and the sensitivity pane, whose figure
    /// is not on the dashboard).
    const FIGURE: bool = Self::CHART;

    /// The pane's title, in the interface's language.
    fn title() -> &'static str;

    /// The chart (charts only): drawn in the pane, in presentation mode and in figures.
    fn draw(_ui: &mut egui::Ui, _ctx: &ChartCtx) -> ChartResponse {
        ChartResponse::default()
    }

    /// The numbers behind the chart, written beside an exported figure (figures only).
    fn table(
        _results: &Results,
        _view: &ViewState,
        _sweep: &sensitivity::SweepState,
    ) -> Result<DataFrame, ExportError> {
        Err(ExportError::NoResults)
    }

    /// The options row: what the pane shows (view) and the analysis settings it uses.
    fn options(&mut self, _ui: &mut egui::Ui, _view: &mut ViewState, _settings: &mut Settings) {}

    /// What the pane keeps of the results it draws (for its options row).
    fn observe(&mut self, _results: &Results, _view: &ViewState) {}

    /// The pane's content. A chart draws its chart and passes on the pointer's sector.
    fn ui(&mut self, ui: &mut egui::Ui, ctx: &mut PaneCtx) {
        if let Some(r) = ctx.results {
            self.observe(r, ctx.view);
        }
        match ctx.chart() {
            Some(c) => {
                let r = Self::draw(ui, &c);
                ctx.highlight.take(r);
            }
            None => {
                ui.label(tr("No results yet."));
            }
        }
    }
}

/// The sector lit across every chart and the table: the one under the pointer (from the
/// frame before), else the one clicked.
#[derive(Clone, Debug, Default)]
pub struct Highlight {
    pub clicked: Option<String>,
    /// Under the pointer this frame (collected while drawing).
    pub hovered: Option<String>,
    /// Under the pointer in the frame before: what is lit now.
    pub hovered_before: Option<String>,
}

impl Highlight {
    pub fn lit(&self) -> Option<&str> {
        self.hovered_before.as_deref().or(self.clicked.as_deref())
    }

    /// A chart's pointer: hovering lights a sector, a click pins it (a second click frees it).
    pub fn take(&mut self, r: ChartResponse) {
        if let Some(h) = r.hovered {
            if r.clicked {
                self.clicked = if self.clicked.as_deref() == Some(h.as_str()) {
                    None
                } else {
                    Some(h.clone())
                };
            }
            self.hovered = Some(h);
        }
    }

    /// Start of a frame: what was hovered in the last one is lit in this one.
    pub fn next_frame(&mut self) {
        self.hovered_before = self.hovered.take();
    }
}

/// What a pane draws from, and where it sends what it wants done.
pub struct PaneCtx<'a> {
    pub results: Option<&'a Arc<Results>>,
    pub backtest_pending: bool,
    pub dataset: &'a Arc<Dataset>,
    pub inputs: Option<&'a Arc<Inputs>>,
    pub view: &'a mut ViewState,
    pub settings: &'a mut Settings,
    pub highlight: &'a mut Highlight,
    pub commands: &'a mut Vec<Command>,
    /// The weight sweep, as far as it has come.
    pub sweep: &'a sensitivity::SweepState,
    /// A figure for export: no controls, bar charts fit their cell.
    pub figure: bool,
    pub line_scale: f32,
    /// The live lens's name and the pinned lenses.
    pub lenses: &'a super::chart::Lenses,
}

impl PaneCtx<'_> {
    /// What a chart is drawn from, when there are results.
    pub fn chart(&self) -> Option<ChartCtx<'_>> {
        Some(ChartCtx {
            results: self.results?,
            backtest_pending: self.backtest_pending,
            dataset: &self.dataset.name,
            view: self.view,
            sweep: self.sweep,
            lit: self.highlight.lit(),
            figure: self.figure,
            line_scale: self.line_scale,
            lenses: self.lenses,
        })
    }
}

/// The panes: `Variant: module::Type`, one line each.
macro_rules! panes {
    ($($variant:ident: $module:ident::$ty:ident),* $(,)?) => {
        $(pub mod $module;)*

        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Pane {
            $($variant),*
        }

        impl Pane {
            pub const ALL: &'static [Pane] = &[$(Pane::$variant),*];

            pub fn title(self) -> &'static str {
                match self {
                    $(Pane::$variant => <$module::$ty as PaneView>::title()),*
                }
            }

            /// The name the command line and exported file names use.
            pub fn id(self) -> &'static str {
                match self {
                    $(Pane::$variant => stringify!($module)),*
                }
            }

            pub fn is_chart(self) -> bool {
                match self {
                    $(Pane::$variant => <$module::$ty as PaneView>::CHART),*
                }
            }

            pub fn is_figure(self) -> bool {
                match self {
                    $(Pane::$variant => <$module::$ty as PaneView>::FIGURE),*
                }
            }

            pub fn draw(self, ui: &mut egui::Ui, ctx: &ChartCtx) -> ChartResponse {
                match self {
                    $(Pane::$variant => <$module::$ty as PaneView>::draw(ui, ctx)),*
                }
            }

            pub fn table(
                self,
                r: &Results,
                view: &ViewState,
                sweep: &sensitivity::SweepState,
            ) -> Result<DataFrame, ExportError> {
                match self {
                    $(Pane::$variant => <$module::$ty as PaneView>::table(r, view, sweep)),*
                }
            }
        }

        /// Every pane's own state.
        #[derive(Default)]
        pub struct Panes {
            $(pub $module: $module::$ty),*
        }

        impl Panes {
            pub fn options(
                &mut self,
                pane: Pane,
                ui: &mut egui::Ui,
                view: &mut ViewState,
                settings: &mut Settings,
            ) {
                match pane {
                    $(Pane::$variant => self.$module.options(ui, view, settings)),*
                }
            }

            pub fn ui(&mut self, pane: Pane, ui: &mut egui::Ui, ctx: &mut PaneCtx) {
                match pane {
                    $(Pane::$variant => self.$module.ui(ui, ctx)),*
                }
            }
        }
    };
}

panes! {
    Sectors: sectors::SectorsPane,
    Exposures: exposures::ExposuresPane,
    Scenarios: scenarios::ScenariosPane,
    Backtest: backtest::BacktestPane,
    Ranking: ranking::RankingPane,
    Sensitivity: sensitivity::SensitivityPane,
    Excluded: excluded::ExcludedPane,
    Data: data::DataPane,
}

impl Pane {
    /// The charts, in the order of presentation mode's slides and of the dashboard.
    pub fn charts() -> Vec<Pane> {
        Pane::ALL.iter().copied().filter(|p| p.is_chart()).collect()
    }

    /// The panes with a figure: the charts, then the others that export one.
    pub fn figures() -> Vec<Pane> {
        let mut v = Pane::charts();
        v.extend(Pane::ALL.iter().filter(|p| p.is_figure() && !p.is_chart()));
        v
    }
}

/// The default layout: the charts in a grid, the tables as tabs beneath.
pub fn default_tree() -> egui_tiles::Tree<Pane> {
    let mut tiles = egui_tiles::Tiles::default();
    let charts: Vec<_> = Pane::charts()
        .into_iter()
        .map(|p| tiles.insert_pane(p))
        .collect();
    let grid = tiles.insert_grid_tile(charts);
    let tables: Vec<_> = Pane::ALL
        .iter()
        .filter(|p| !p.is_chart())
        .map(|p| tiles.insert_pane(*p))
        .collect();
    let tabs = tiles.insert_tab_tile(tables);
    let root = tiles.insert_vertical_tile(vec![grid, tabs]);
    if let Some(egui_tiles::Tile::Container(egui_tiles::Container::Linear(l))) = tiles.get_mut(root)
    {
        l.shares.set_share(grid, 2.0);
        l.shares.set_share(tabs, 1.0);
    }
    egui_tiles::Tree::new(egui::Id::unique("halo_layout"), root, tiles)
}

/// The layout's view of the app: each tile draws its pane.
pub struct Behavior<'a, 'b> {
    pub panes: &'a mut Panes,
    pub ctx: PaneCtx<'b>,
    pub maximized: &'a mut Option<Pane>,
}

impl egui_tiles::Behavior<Pane> for Behavior<'_, '_> {
    fn pane_ui(
        &mut self,
        ui: &mut egui::Ui,
        _tile_id: egui_tiles::TileId,
        pane: &mut Pane,
    ) -> egui_tiles::UiResponse {
        pane_ui(self.panes, ui, *pane, &mut self.ctx, self.maximized);
        egui_tiles::UiResponse::None
    }

    fn tab_title_for_pane(&mut self, pane: &Pane) -> egui::WidgetText {
        pane.title().into()
    }

    fn simplification_options(&self) -> egui_tiles::SimplificationOptions {
        egui_tiles::SimplificationOptions {
            all_panes_must_have_tabs: true,
            ..Default::default()
        }
    }
}

/// One pane in the window: the maximise / restore and export buttons, its options row,
/// then its content.
pub fn pane_ui(
    panes: &mut Panes,
    ui: &mut egui::Ui,
    pane: Pane,
    ctx: &mut PaneCtx,
    maximized: &mut Option<Pane>,
) {
    egui::Frame::new().inner_margin(4.0).show(ui, |ui| {
        // Wrapped, so a narrow pane keeps its options and its title inside it.
        ui.horizontal_wrapped(|ui| {
            let max = *maximized == Some(pane);
            if ui
                .small_button(if max { tr("Restore") } else { tr("Maximise") })
                .clicked()
            {
                *maximized = if max { None } else { Some(pane) };
            }
            if pane.is_figure()
                && ui
                    .small_button(tr("Export"))
                    .on_hover_text(tr(
                        "The chart (PNG, SVG or PDF) and its CSV, in the format, scale and theme set in the File menu",
                    ))
                    .clicked()
            {
                ctx.commands
                    .push(Command::Export(super::figure::Figure::Chart(pane)));
            }
            panes.options(pane, ui, ctx.view, ctx.settings);
            if let Some(h) = ctx.highlight.clicked.clone() {
                ui.separator();
                ui.label(format!("{}: {h}", tr("Highlight")));
                if ui
                    .small_button("×")
                    .on_hover_text(tr("Clear the highlight"))
                    .clicked()
                {
                    ctx.highlight.clicked = None;
                }
            }
        });
        panes.ui(pane, ui, ctx);
    });
}
