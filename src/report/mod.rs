//! Pictures and the report: charts drawn from catalog answers (`chart`, `draw`), and the
//! one-page HTML (or Markdown) report that composes every answer (`html`).

pub mod chart;
pub mod draw;
pub mod html;
