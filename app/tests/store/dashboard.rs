//! What the dashboard reads beside the lists: deliveries per hour, failures grouped by what they
//! met, the deliveries of events that did not get through, and how much each type is used.

use app::domain::ids::{first_id_at, new_id};
use app::domain::queue::{Claimed, DeliveryOutcome, Finished};
use app::model::{AttemptErrorKind, DeliveryStatus};
use app::store::EventQuery;

use crate::world::{every_backend, finished, World, EVENT_TYPE, NOW};

const HOUR_MS: i64 = 3_600_000;

fn failed_with(claimed: Claimed, status: Option<u16>, kind: AttemptErrorKind, final_: bool, now: i64) -> Finished {
    let outcome = DeliveryOutcome {
        status: if final_ { DeliveryStatus::Failed } else { DeliveryStatus::Retrying },
        next_attempt_at: (!final_).then_some(now + 60_000),
        last_status_code: status.map(i64::from),
    };
    let mut done = finished(claimed, status.unwrap_or(0), outcome, now);
    done.attempt.response_status = status.map(i64::from);
    done.attempt.error_kind = Some(kind);
    done.attempt.error_message = Some(format!("{kind:?} at {now}"));
    done
}

/// Publishes one event to every subscription and claims all that is due.
async fn publish_and_claim(world: &World, at: i64) -> Vec<Claimed> {
    world.publish(1, at).await;
    world.claim(at, 100, 100).await
}

/// Publishes one event whose id carries the time `at`, as a real one made then would.
async fn publish_made_at(world: &World, at: i64) {
    let mut event = world.event(None, at);
    let random = u128::from(rand::random::<u64>());
    event.record.id = format!("evt_{}", ulid::Ulid::from_parts(at as u64, random).to_string().to_lowercase());
    world.store.insert_events(&[event], || new_id("dlv")).await.expect("stored");
}

#[tokio::test]
async fn deliveries_are_counted_per_subscription_hour_and_status() {
    for world in every_backend().await {
        let first = world.subscription().await;
        let second = world.subscription().await;
        // Two events an hour apart, ten minutes into their hours (an hour is counted from the
        // event ids to 33 s); the first one's deliveries end, one well and one badly.
        let first_at = NOW + 10 * 60_000;
        publish_made_at(&world, first_at).await;
        for claimed in world.claim(first_at, 100, 100).await {
            let done = if claimed.subscription_id == first {
                let ok = DeliveryOutcome {
                    status: DeliveryStatus::Succeeded,
                    next_attempt_at: None,
                    last_status_code: Some(200),
                };
                finished(claimed, 200, ok, NOW + 1)
            } else {
                failed_with(claimed, Some(500), AttemptErrorKind::Status, true, NOW + 1)
            };
            world.record(&[done]).await;
        }
        publish_made_at(&world, first_at + HOUR_MS).await;

        let everything = first_id_at("evt", NOW);
        let mut rows: Vec<(String, i64, DeliveryStatus, i64)> = world
            .store
            .deliveries_per_hour(&world.account_id, None, &everything)
            .await
            .expect("a read")
            .into_iter()
            .map(|row| (row.subscription_id, row.hour - NOW / HOUR_MS * HOUR_MS, row.status, row.count))
            .collect();
        rows.sort_by(|a, b| (&a.0, a.1, a.2.as_str()).cmp(&(&b.0, b.1, b.2.as_str())));
        let mut expected = vec![
            (first.clone(), 0, DeliveryStatus::Succeeded, 1),
            (first.clone(), HOUR_MS, DeliveryStatus::Pending, 1),
            (second.clone(), 0, DeliveryStatus::Failed, 1),
            (second.clone(), HOUR_MS, DeliveryStatus::Pending, 1),
        ];
        expected.sort_by(|a, b| (&a.0, a.1, a.2.as_str()).cmp(&(&b.0, b.1, b.2.as_str())));
        assert_eq!(rows, expected);

        // One subscription's only; and nothing made after the bound (ids carry their time).
        let one = world.store.deliveries_per_hour(&world.account_id, Some(&second), &everything).await.expect("a read");
        assert!(one.iter().all(|row| row.subscription_id == second) && one.len() == 2);
        let later = first_id_at("evt", NOW + HOUR_MS);
        let recent = world.store.deliveries_per_hour(&world.account_id, None, &later).await.expect("a read");
        assert_eq!(recent.iter().map(|row| row.count).sum::<i64>(), 2, "only the later event's two deliveries");
        assert!(world.store.deliveries_per_hour(&new_id("acc"), None, &everything).await.expect("a read").is_empty());
    }
}

#[tokio::test]
async fn failed_attempts_are_grouped_by_subscription_and_answer_with_the_latest_linked() {
    for world in every_backend().await {
        let subscription = world.subscription().await;
        // Two deliveries answered 500; then one of them 500 again, the other a timeout.
        let claimed = publish_and_claim(&world, NOW).await;
        let mut again = Vec::new();
        for (n, claimed) in claimed.into_iter().enumerate() {
            world
                .record(&[failed_with(claimed, Some(500), AttemptErrorKind::Status, false, NOW + 10 + n as i64)])
                .await;
        }
        for claimed in publish_and_claim(&world, NOW + 20).await {
            again.push(claimed.id.clone());
            world.record(&[failed_with(claimed, Some(500), AttemptErrorKind::Status, false, NOW + 30)]).await;
        }
        let retried = world.claim(NOW + 60_030, 100, 100).await;
        assert_eq!(retried.len(), 2);
        let mut latest_500 = None;
        for claimed in retried {
            if claimed.id == again[0] {
                world.record(&[failed_with(claimed, None, AttemptErrorKind::Timeout, true, NOW + 60_100)]).await;
            } else {
                latest_500 = Some(claimed.id.clone());
                world.record(&[failed_with(claimed, Some(500), AttemptErrorKind::Status, true, NOW + 60_050)]).await;
            }
        }

        let groups = world.store.failure_groups(&world.account_id, None, NOW, 10).await.expect("a read");
        assert_eq!(groups.len(), 2, "{groups:?}");
        let (timeout, status) = (&groups[0], &groups[1]);
        assert_eq!((timeout.error_kind, timeout.response_status), (AttemptErrorKind::Timeout, None));
        assert_eq!((timeout.deliveries, timeout.attempts, timeout.latest_at), (1, 1, NOW + 60_100));
        assert_eq!(timeout.latest_delivery_id, again[0]);
        assert_eq!((status.error_kind, status.response_status), (AttemptErrorKind::Status, Some(500)));
        assert_eq!((status.deliveries, status.attempts, status.first_at), (2, 3, NOW + 10));
        assert_eq!(Some(status.latest_delivery_id.clone()), latest_500);
        assert_eq!(status.latest_at, NOW + 60_050);
        assert!(status.latest_message.as_deref().is_some_and(|m| m.contains("60050")));
        assert_eq!(status.subscription_id, subscription);

        // A bound in time, a limit, and one subscription only.
        let recent = world.store.failure_groups(&world.account_id, None, NOW + 60_000, 10).await.expect("a read");
        assert_eq!(recent.iter().map(|g| g.attempts).sum::<i64>(), 2);
        assert_eq!(world.store.failure_groups(&world.account_id, None, NOW, 1).await.expect("a read").len(), 1);
        let other = new_id("sub");
        assert!(world.store.failure_groups(&world.account_id, Some(&other), NOW, 10).await.expect("a read").is_empty());
        assert_eq!(
            world.store.failure_groups(&world.account_id, Some(&subscription), NOW, 10).await.expect("a read").len(),
            2
        );
        assert!(world.store.failure_groups(&new_id("acc"), None, NOW, 10).await.expect("a read").is_empty());
    }
}

#[tokio::test]
async fn the_events_list_learns_which_deliveries_did_not_get_through() {
    for world in every_backend().await {
        let ok = world.subscription().await;
        let failing = world.subscription().await;
        let mut event_id = String::new();
        for claimed in publish_and_claim(&world, NOW).await {
            event_id = claimed.event_id.clone();
            let done = if claimed.subscription_id == ok {
                let outcome = DeliveryOutcome {
                    status: DeliveryStatus::Succeeded,
                    next_attempt_at: None,
                    last_status_code: Some(200),
                };
                finished(claimed, 200, outcome, NOW + 1)
            } else {
                failed_with(claimed, Some(503), AttemptErrorKind::Status, false, NOW + 1)
            };
            world.record(&[done]).await;
        }
        let rows = world.store.troubled_deliveries(&world.account_id, &[event_id.clone()]).await.expect("a read");
        assert_eq!(rows.len(), 1, "only the one waiting for a retry");
        assert_eq!((rows[0].subscription_id.as_str(), rows[0].status), (failing.as_str(), DeliveryStatus::Retrying));
        assert_eq!(rows[0].url, "https://example.com/hook");
        assert!(world.store.troubled_deliveries(&new_id("acc"), &[event_id]).await.expect("a read").is_empty());
        assert!(world.store.troubled_deliveries(&world.account_id, &[]).await.expect("a read").is_empty());
    }
}

#[tokio::test]
async fn an_event_types_activity_counts_recent_events_its_latest_and_its_subscribers() {
    for world in every_backend().await {
        world.event_type("order.paid", false).await;
        world.subscription().await;
        world.publish(3, NOW).await;
        let names = vec![EVENT_TYPE.to_string(), "order.paid".to_string(), "never.declared".to_string()];
        let everything = first_id_at("evt", 0);
        let mut rows =
            world.store.event_type_activity(&world.account_id, &names, &everything, false).await.expect("a read");
        rows.sort_by(|a, b| a.name.cmp(&b.name));
        let figures: Vec<(&str, i64, Option<i64>, i64)> =
            rows.iter().map(|r| (r.name.as_str(), r.recent, r.last_seen, r.subscribers)).collect();
        // The subscription takes every type, so it counts for each name.
        assert_eq!(
            figures,
            vec![("never.declared", 0, None, 1), ("order.created", 3, Some(NOW), 1), ("order.paid", 0, None, 1)]
        );
        let later = first_id_at("evt", app::domain::now_ms() + HOUR_MS);
        let rows =
            world.store.event_type_activity(&world.account_id, &names[..1], &later, false).await.expect("a read");
        assert_eq!(
            (rows[0].recent, rows[0].last_seen),
            (0, Some(NOW)),
            "the latest is older than the bound, still named"
        );
        let stranger =
            world.store.event_type_activity(&new_id("acc"), &names[..1], &everything, false).await.expect("a read");
        assert_eq!((stranger[0].recent, stranger[0].last_seen, stranger[0].subscribers), (0, None, 0));
        // Hookrelay's own types reach only the subscriptions that name them.
        let named =
            world.store.event_type_activity(&world.account_id, &names[..1], &everything, true).await.expect("a read");
        assert_eq!(named[0].subscribers, 0, "a subscription to every type does not count");
    }
}

#[tokio::test]
async fn events_are_counted_up_to_the_limit_asked_for() {
    for world in every_backend().await {
        world.subscription().await;
        world.publish(5, NOW).await;
        let count = |limit| {
            let query = EventQuery { limit, ..Default::default() };
            let store = world.store.clone();
            let account = world.account_id.clone();
            async move { store.count_events(&account, &query).await.expect("a count") }
        };
        assert_eq!(count(100).await, 5);
        assert_eq!(count(3).await, 3, "the count stops at the limit");
        let failed = EventQuery { limit: 100, status: Some(DeliveryStatus::Failed), ..Default::default() };
        assert_eq!(world.store.count_events(&world.account_id, &failed).await.expect("a count"), 0);
        let pending = EventQuery { limit: 100, status: Some(DeliveryStatus::Pending), ..Default::default() };
        assert_eq!(world.store.count_events(&world.account_id, &pending).await.expect("a count"), 5);
        assert_eq!(world.store.count_events(&new_id("acc"), &pending).await.expect("a count"), 0);
    }
}
