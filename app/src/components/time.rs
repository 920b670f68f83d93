//! Times as people read them ("5 min ago"), with the exact RFC 3339 time on hover.

use leptos::prelude::*;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

#[component]
pub fn RelativeTime(#[prop(into)] at: String) -> impl IntoView {
    let text = relative(&at, OffsetDateTime::now_utc());
    view! { <time datetime=at.clone() title=at>{text}</time> }
}

/// `at` (RFC 3339) relative to `now`; the text unchanged if it does not parse.
pub fn relative(at: &str, now: OffsetDateTime) -> String {
    let Ok(then) = OffsetDateTime::parse(at, &Rfc3339) else {
        return at.to_string();
    };
    let seconds = (now - then).whole_seconds();
    const MINUTE: i64 = 60;
    const HOUR: i64 = 60 * MINUTE;
    const DAY: i64 = 24 * HOUR;
    match seconds {
        // Further ahead: a scheduled time (a retry, a disabling).
        i64::MIN..-5_400 if seconds > -8 * DAY => match -seconds {
            ahead if ahead < DAY => format!("in {} hours", (ahead + HOUR / 2) / HOUR),
            ahead => format!("in {} days", (ahead + DAY / 2) / DAY),
        },
        -5_400..-59 => format!("in {} min", (-seconds + MINUTE / 2) / MINUTE),
        // A little in the future is clock skew between server and browser.
        -59..45 => "just now".to_string(),
        45..90 => "1 min ago".to_string(),
        90..HOUR => format!("{} min ago", (seconds + MINUTE / 2) / MINUTE),
        HOUR..5_400 => "1 hour ago".to_string(),
        5_400..DAY => format!("{} hours ago", (seconds + HOUR / 2) / HOUR),
        DAY..172_800 => "yesterday".to_string(),
        172_800..2_592_000 => format!("{} days ago", seconds / DAY),
        _ => format!("{} {} {}", then.day(), short_month(then.month()), then.year()),
    }
}

/// `at` (RFC 3339) as a clock time in UTC: "20:15 UTC" on the day of `now`, "6 Dec 20:15 UTC"
/// before; the text unchanged if it does not parse.
pub fn clock(at: &str, now: OffsetDateTime) -> String {
    let Ok(then) = OffsetDateTime::parse(at, &Rfc3339) else {
        return at.to_string();
    };
    let then = then.to_offset(time::UtcOffset::UTC);
    let time = format!("{:02}:{:02} UTC", then.hour(), then.minute());
    if then.date() == now.to_offset(time::UtcOffset::UTC).date() {
        time
    } else {
        format!("{} {} {time}", then.day(), short_month(then.month()))
    }
}

/// `at` (RFC 3339) as a list shows it, in UTC: "20:15:03" on the day of `now`, "6 Dec 20:15"
/// before; the text unchanged if it does not parse.
pub fn list_time(at: &str, now: OffsetDateTime) -> String {
    let Ok(then) = OffsetDateTime::parse(at, &Rfc3339) else {
        return at.to_string();
    };
    let then = then.to_offset(time::UtcOffset::UTC);
    if then.date() == now.to_offset(time::UtcOffset::UTC).date() {
        format!("{:02}:{:02}:{:02}", then.hour(), then.minute(), then.second())
    } else {
        format!("{} {} {:02}:{:02}", then.day(), short_month(then.month()), then.hour(), then.minute())
    }
}

/// A list row's time ("20:15:03"), how long ago on hover.
#[component]
pub fn ListTime(#[prop(into)] at: String) -> impl IntoView {
    let now = OffsetDateTime::now_utc();
    let text = list_time(&at, now);
    let title = format!("{} ({})", at, relative(&at, now));
    view! { <time datetime=at title=title>{text}</time> }
}

/// A moment as a clock time ("since 20:15 UTC"), the full time on hover.
#[component]
pub fn ClockTime(#[prop(into)] at: String) -> impl IntoView {
    let text = clock(&at, OffsetDateTime::now_utc());
    view! { <time datetime=at.clone() title=at>{text}</time> }
}

fn short_month(month: time::Month) -> &'static str {
    use time::Month::*;
    match month {
        January => "Jan",
        February => "Feb",
        March => "Mar",
        April => "Apr",
        May => "May",
        June => "Jun",
        July => "Jul",
        August => "Aug",
        September => "Sep",
        October => "Oct",
        November => "Nov",
        December => "Dec",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> OffsetDateTime {
        OffsetDateTime::parse(text, &Rfc3339).unwrap()
    }

    #[test]
    fn clock_times_name_the_day_when_it_is_not_today() {
        let now = at("2025-06-10T12:00:00Z");
        assert_eq!(clock("2025-06-10T08:05:09.123Z", now), "08:05 UTC");
        assert_eq!(clock("2025-06-09T23:59:00Z", now), "9 Jun 23:59 UTC");
        assert_eq!(clock("2025-06-10T10:00:00+02:00", now), "08:00 UTC");
        assert_eq!(clock("not a time", now), "not a time");
        assert_eq!(list_time("2025-06-10T08:05:09.123Z", now), "08:05:09");
        assert_eq!(list_time("2025-06-01T08:05:09Z", now), "1 Jun 08:05");
    }

    #[test]
    fn reads_like_a_person_would_say_it() {
        let now = at("2025-06-10T12:00:00Z");
        assert_eq!(relative("2025-06-10T11:59:30Z", now), "just now");
        assert_eq!(relative("2025-06-10T12:00:20Z", now), "just now");
        assert_eq!(relative("2025-06-10T11:59:00Z", now), "1 min ago");
        assert_eq!(relative("2025-06-10T11:35:00Z", now), "25 min ago");
        assert_eq!(relative("2025-06-10T11:00:00Z", now), "1 hour ago");
        assert_eq!(relative("2025-06-10T07:00:00Z", now), "5 hours ago");
        assert_eq!(relative("2025-06-09T10:00:00Z", now), "yesterday");
        assert_eq!(relative("2025-06-06T12:00:00Z", now), "4 days ago");
        assert_eq!(relative("2025-03-02T12:00:00Z", now), "2 Mar 2025");
        assert_eq!(relative("2025-06-10T12:10:00Z", now), "in 10 min");
        assert_eq!(relative("2025-06-10T17:00:00Z", now), "in 5 hours");
        assert_eq!(relative("2025-06-15T12:00:00Z", now), "in 5 days");
        assert_eq!(relative("2026-06-15T12:00:00Z", now), "15 Jun 2026");
        assert_eq!(relative("2025-07-02T12:00:00Z", now), "2 Jul 2025");
        assert_eq!(relative("not a time", now), "not a time");
    }
}
