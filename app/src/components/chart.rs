//! The overview's charts, drawn as plain SVG: deliveries per hour over the last 24 hours
//! (succeeded, then failed, then in progress, stacked), each bar linking to that hour's events
//! with its figures as a tooltip and a legend naming the colours in words; and a subscription's
//! sparkline, the same hours in a few pixels.

use leptos::prelude::*;

use crate::model::{EventsQuery, HourCount};

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 44.0;
/// Room for the scale on the right too: a phone scrolls the chart to its latest hours, where the
/// left scale is out of view.
const RIGHT: f64 = 40.0;
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
    let top = nice_ceiling(hours.iter().map(total).max().unwrap_or(0));
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let slot = plot_width / hours.len().max(1) as f64;
    let bar_width = (slot * 0.7).max(1.0);
    let y = |value: i64| TOP + plot_height - plot_height * value as f64 / top as f64;
    let total_succeeded: i64 = hours.iter().map(|h| h.succeeded).sum();
    let total_failed: i64 = hours.iter().map(|h| h.failed).sum();
    let total_in_progress: i64 = hours.iter().map(|h| h.in_progress).sum();
    let summary = format!(
        "Deliveries per hour over the last 24 hours: {total_succeeded} succeeded, {total_failed} failed and \
         {total_in_progress} in progress in all."
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
            r#"<line class="chart-grid" x1="{LEFT}" x2="{}" y1="{at}" y2="{at}"/><text class="chart-label" x="{}" y="{}" text-anchor="end">{value}</text><text class="chart-label" x="{}" y="{}" text-anchor="start">{value}</text>"#,
            WIDTH - RIGHT,
            LEFT - 6.0,
            at + 4.0,
            WIDTH - RIGHT + 6.0,
            at + 4.0
        );
    }
    for (index, hour) in hours.iter().enumerate() {
        let slot_x = LEFT + slot * index as f64;
        let x = slot_x + (slot - bar_width) / 2.0;
        let ok_top = y(hour.succeeded);
        let failed_top = y(hour.succeeded + hour.failed);
        let waiting_top = y(total(hour));
        let end = plus_hour(&hour.start);
        let label = format!(
            "{}:00–{}:00 UTC: {} succeeded, {} failed, {} in progress",
            hour_of(&hour.start),
            hour_of(&end),
            hour.succeeded,
            hour.failed,
            hour.in_progress
        );
        let href = EventsQuery { since: Some(hour.start.clone()), until: Some(end), ..Default::default() }.href();
        // The full-height slot takes the hover and the click even over an empty hour.
        let _ = write!(
            svg,
            r#"<a href="{href}" aria-label="{label}" class="chart-bar"><title>{label}</title><rect class="chart-hit" x="{slot_x}" y="{TOP}" width="{slot}" height="{plot_height}"/><rect class="chart-ok" x="{x}" y="{ok_top}" width="{bar_width}" height="{}"/><rect class="chart-failed" x="{x}" y="{failed_top}" width="{bar_width}" height="{}"/><rect class="chart-waiting" x="{x}" y="{waiting_top}" width="{bar_width}" height="{}"/></a>"#,
            (TOP + plot_height - ok_top).max(0.0),
            (ok_top - failed_top).max(0.0),
            (failed_top - waiting_top).max(0.0),
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

fn total(hour: &HourCount) -> i64 {
    hour.succeeded + hour.failed + hour.in_progress
}

const SPARK_WIDTH: f64 = 72.0;
const SPARK_HEIGHT: f64 = 20.0;

/// A subscription's hours in a few pixels: one bar an hour, stacked like the chart's, scaled to
/// its own busiest hour. Described in words for screen readers.
pub fn sparkline_svg(hours: &[HourCount]) -> String {
    use std::fmt::Write;
    let top = hours.iter().map(total).max().unwrap_or(0).max(1) as f64;
    let slot = SPARK_WIDTH / hours.len().max(1) as f64;
    let failed: i64 = hours.iter().map(|h| h.failed).sum();
    let all: i64 = hours.iter().map(total).sum();
    let label = format!("{all} deliveries in 24 hours, {failed} failed");
    let mut svg = format!(
        r#"<svg viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" role="img" aria-label="{label}" xmlns="http://www.w3.org/2000/svg"><line class="chart-grid" x1="0" x2="{SPARK_WIDTH}" y1="{SPARK_HEIGHT}" y2="{SPARK_HEIGHT}"/>"#,
        label = escape(&label)
    );
    for (index, hour) in hours.iter().enumerate() {
        let count = total(hour);
        if count == 0 {
            continue;
        }
        let x = slot * index as f64 + slot * 0.15;
        let width = slot * 0.7;
        // At least a pixel, so that a single delivery in a busy day still shows.
        let height = (SPARK_HEIGHT * count as f64 / top).max(1.0);
        let mut bottom = SPARK_HEIGHT;
        for (class, part) in
            [("chart-ok", hour.succeeded), ("chart-failed", hour.failed), ("chart-waiting", hour.in_progress)]
        {
            if part == 0 {
                continue;
            }
            let part_height = height * part as f64 / count as f64;
            bottom -= part_height;
            let _ =
                write!(svg, r#"<rect class="{class}" x="{x}" y="{bottom}" width="{width}" height="{part_height}"/>"#);
        }
    }
    svg.push_str("</svg>");
    svg
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[component]
pub fn Sparkline(hours: Vec<HourCount>) -> impl IntoView {
    view! { <span class="sparkline" inner_html=sparkline_svg(&hours)></span> }
}

#[component]
pub fn DeliveriesChart(hours: Vec<HourCount>) -> impl IntoView {
    view! {
        <figure class="chart">
            <div class="chart-scroll" inner_html=chart_svg(&hours)></div>
            <figcaption class="chart-legend">
                <span><span class="legend-swatch chart-ok-swatch" aria-hidden="true"></span>"Succeeded"</span>
                <span><span class="legend-swatch chart-failed-swatch" aria-hidden="true"></span>"Failed"</span>
                <span><span class="legend-swatch chart-waiting-swatch" aria-hidden="true"></span>"In progress"</span>
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
            .map(|h| crate::model::HourCount {
                start: format!("2026-01-01T{h:02}:00:00Z"),
                succeeded: h,
                failed: 1,
                in_progress: 2,
            })
            .collect();
        let svg = super::chart_svg(&hours);
        assert_eq!(svg.matches("<a href=").count(), 24);
        assert!(svg.contains("23:00–00:00 UTC: 23 succeeded, 1 failed, 2 in progress"));
        assert!(svg.contains("/events?since=2026-01-01T05%3A00%3A00Z&amp;until=2026-01-01T06%3A00%3A00Z"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn a_sparkline_draws_busy_hours_and_says_its_totals() {
        let mut hours: Vec<crate::model::HourCount> = (0..24)
            .map(|h| crate::model::HourCount {
                start: format!("2026-01-01T{h:02}:00:00Z"),
                succeeded: 0,
                failed: 0,
                in_progress: 0,
            })
            .collect();
        hours[3].succeeded = 10;
        hours[20].failed = 2;
        hours[20].succeeded = 1;
        let svg = super::sparkline_svg(&hours);
        assert!(svg.contains(r#"aria-label="13 deliveries in 24 hours, 2 failed""#), "{svg}");
        // Two busy hours: one all succeeded, one with a succeeded and a failed part.
        assert_eq!(svg.matches("<rect").count(), 3, "{svg}");
        assert_eq!(svg.matches(r#"class="chart-failed""#).count(), 1, "{svg}");
    }
}
