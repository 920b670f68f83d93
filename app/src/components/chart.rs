//! The overview's chart: attempts per hour over the last 24 hours, succeeded stacked under
//! failed, drawn as plain SVG. Each bar links to that hour's events and carries its figures as a
//! tooltip; a legend names the colours in words.

use leptos::prelude::*;

use crate::model::{EventsQuery, HourCount};

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 26.0;

/// The smallest of 1, 2, 5, 10, 20, 50, … that is at least `n` (and at least 1).
pub fn nice_ceiling(n: i64) -> i64 {
    let mut step = 1;
    loop {
        for factor in [1, 2, 5] {
            if step * factor >= n {
                return step * factor;
            }
        }
        step *= 10;
    }
}

/// "14" from "2026-11-22T14:00:00Z".
fn hour_of(start: &str) -> &str {
    start.get(11..13).unwrap_or("")
}

fn plus_hour(start: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(start, &Rfc3339)
        .ok()
        .and_then(|t| (t + time::Duration::HOUR).format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// The chart as SVG markup. Built as text rather than with `view!` because SVG's `<a>` and
/// `<title>` share their names with HTML elements: created in the browser (after a client-side
/// navigation) they would be HTML elements, and the bars would not draw. Everything in it is
/// numbers and times made here, escaped all the same.
pub fn chart_svg(hours: &[HourCount]) -> String {
    use std::fmt::Write;
    let top = nice_ceiling(hours.iter().map(|h| h.succeeded + h.failed).max().unwrap_or(0));
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let slot = plot_width / hours.len().max(1) as f64;
    let bar_width = (slot * 0.7).max(1.0);
    let y = |value: i64| TOP + plot_height - plot_height * value as f64 / top as f64;
    let total_succeeded: i64 = hours.iter().map(|h| h.succeeded).sum();
    let total_failed: i64 = hours.iter().map(|h| h.failed).sum();
    let summary = format!(
        "Attempts per hour over the last 24 hours: {total_succeeded} succeeded and {total_failed} failed in all."
    );
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="group" aria-label="{summary}" xmlns="http://www.w3.org/2000/svg"><desc>{summary}</desc>"#,
        summary = escape(&summary)
    );
    let mut marks = vec![0, top / 2, top];
    marks.dedup();
    for value in marks {
        let at = y(value);
        let _ = write!(
            svg,
            r#"<line class="chart-grid" x1="{LEFT}" x2="{}" y1="{at}" y2="{at}"/><text class="chart-label" x="{}" y="{}" text-anchor="end">{value}</text>"#,
            WIDTH - RIGHT,
            LEFT - 6.0,
            at + 4.0
        );
    }
    for (index, hour) in hours.iter().enumerate() {
        let slot_x = LEFT + slot * index as f64;
        let x = slot_x + (slot - bar_width) / 2.0;
        let ok_top = y(hour.succeeded);
        let failed_top = y(hour.succeeded + hour.failed);
        let end = plus_hour(&hour.start);
        let label = format!(
            "{}:00–{}:00 UTC: {} succeeded, {} failed",
            hour_of(&hour.start),
            hour_of(&end),
            hour.succeeded,
            hour.failed
        );
        let href = EventsQuery { since: Some(hour.start.clone()), until: Some(end), ..Default::default() }.href();
        // The full-height slot takes the hover and the click even over an empty hour.
        let _ = write!(
            svg,
            r#"<a href="{href}" aria-label="{label}" class="chart-bar"><title>{label}</title><rect class="chart-hit" x="{slot_x}" y="{TOP}" width="{slot}" height="{plot_height}"/><rect class="chart-ok" x="{x}" y="{ok_top}" width="{bar_width}" height="{}"/><rect class="chart-failed" x="{x}" y="{failed_top}" width="{bar_width}" height="{}"/></a>"#,
            (TOP + plot_height - ok_top).max(0.0),
            (ok_top - failed_top).max(0.0),
            href = escape(&href),
            label = escape(&label),
        );
        if index % 3 == 0 {
            let _ = write!(
                svg,
                r#"<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}:00</text>"#,
                x + bar_width / 2.0,
                HEIGHT - 8.0,
                escape(hour_of(&hour.start))
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[component]
pub fn AttemptsChart(hours: Vec<HourCount>) -> impl IntoView {
    view! {
        <figure class="chart">
            <div class="chart-scroll" inner_html=chart_svg(&hours)></div>
            <figcaption class="chart-legend">
                <span><span class="legend-swatch chart-ok-swatch" aria-hidden="true"></span>"Succeeded"</span>
                <span><span class="legend-swatch chart-failed-swatch" aria-hidden="true"></span>"Failed"</span>
                <span class="muted">"Per hour, UTC. Select a bar to see that hour's events."</span>
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn axis_tops_are_round_numbers() {
        assert_eq!(super::nice_ceiling(0), 1);
        assert_eq!(super::nice_ceiling(1), 1);
        assert_eq!(super::nice_ceiling(3), 5);
        assert_eq!(super::nice_ceiling(7), 10);
        assert_eq!(super::nice_ceiling(120), 200);
        assert_eq!(super::nice_ceiling(5000), 5000);
    }

    #[test]
    fn every_hour_is_a_linked_bar_with_its_figures() {
        let hours: Vec<crate::model::HourCount> = (0..24)
            .map(|h| crate::model::HourCount { start: format!("2026-01-01T{h:02}:00:00Z"), succeeded: h, failed: 1 })
            .collect();
        let svg = super::chart_svg(&hours);
        assert_eq!(svg.matches("<a href=").count(), 24);
        assert!(svg.contains("23:00–00:00 UTC: 23 succeeded, 1 failed"));
        assert!(svg.contains("/events?since=2026-01-01T05%3A00%3A00Z&amp;until=2026-01-01T06%3A00%3A00Z"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
