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

#[component]
pub fn AttemptsChart(hours: Vec<HourCount>) -> impl IntoView {
    let top = nice_ceiling(hours.iter().map(|h| h.succeeded + h.failed).max().unwrap_or(0));
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let slot = plot_width / hours.len().max(1) as f64;
    let bar_width = (slot * 0.7).max(1.0);
    let y = move |value: i64| TOP + plot_height - plot_height * value as f64 / top as f64;
    let mut marks = vec![0, top / 2, top];
    marks.dedup();
    let gridlines = marks
        .into_iter()
        .map(|value| {
            let at = y(value);
            view! {
                <line class="chart-grid" x1=LEFT x2=WIDTH - RIGHT y1=at y2=at />
                <text class="chart-label" x=LEFT - 6.0 y=at + 4.0 text-anchor="end">{value.to_string()}</text>
            }
        })
        .collect_view();
    let total_succeeded: i64 = hours.iter().map(|h| h.succeeded).sum();
    let total_failed: i64 = hours.iter().map(|h| h.failed).sum();
    let summary = format!(
        "Attempts per hour over the last 24 hours: {total_succeeded} succeeded and {total_failed} failed in all."
    );
    let summary_label = summary.clone();
    let bars = hours
        .iter()
        .enumerate()
        .map(|(index, hour)| {
            let x = LEFT + slot * index as f64 + (slot - bar_width) / 2.0;
            let ok_top = y(hour.succeeded);
            let failed_top = y(hour.succeeded + hour.failed);
            let label = format!(
                "{}:00–{}:00 UTC: {} succeeded, {} failed",
                hour_of(&hour.start),
                hour_of(&plus_hour(&hour.start)),
                hour.succeeded,
                hour.failed
            );
            let aria_label = label.clone();
            let href = EventsQuery { since: Some(hour.start.clone()), until: Some(plus_hour(&hour.start)), ..Default::default() }.href();
            let tick = (index % 3 == 0).then(|| {
                view! {
                    <text class="chart-label" x=x + bar_width / 2.0 y=HEIGHT - 8.0 text-anchor="middle">
                        {format!("{}:00", hour_of(&hour.start))}
                    </text>
                }
            });
            view! {
                <a href=href aria-label=aria_label class="chart-bar">
                    <title>{label}</title>
                    // The full-height slot takes the hover and the click even over an empty hour.
                    <rect class="chart-hit" x=LEFT + slot * index as f64 y=TOP width=slot height=plot_height />
                    <rect class="chart-ok" x=x y=ok_top width=bar_width height=(TOP + plot_height - ok_top).max(0.0) />
                    <rect class="chart-failed" x=x y=failed_top width=bar_width height=(ok_top - failed_top).max(0.0) />
                </a>
                {tick}
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <div class="chart-scroll">
                <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="group" aria-label=summary_label>
                    <desc>{summary}</desc>
                    {gridlines}
                    {bars}
                </svg>
            </div>
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
}
