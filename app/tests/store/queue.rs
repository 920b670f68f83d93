//! The queue's guarantees (`domain::queue`): claims under a lease, within limits, and
//! recording that moves a delivery on.

use app::domain::ids::new_id;
use app::domain::queue::{ClaimLimits, DeliveryOutcome, Queue};
use app::model::DeliveryStatus;

use crate::world::{every_backend, finished, LEASE_MS, NOW};
use app::domain::queue::Turn;

#[tokio::test]
async fn a_claim_takes_due_deliveries_once_and_leases_them() {
    for world in every_backend().await {
        world.subscription().await;
        let due = world.publish(3, NOW).await;
        assert_eq!(due.len(), 3);

        let claimed = world.claim(NOW, 10, 10).await;
        assert_eq!(claimed.len(), 3, "every due delivery is claimed");
        assert!(claimed.iter().all(|c| c.status == DeliveryStatus::Pending && c.attempts_made == 0));
        assert!(world.claim(NOW + 1, 10, 10).await.is_empty(), "a leased delivery is not claimed again");

        let leased = world.delivery(&due[0]).await;
        assert_eq!(leased.lease_until, Some(NOW + LEASE_MS));
        let state = world.store.queue_state(NOW + 1).await.expect("the queue's state");
        assert_eq!((state.due, state.in_flight, state.scheduled), (0, 3, 0));
    }
}

#[tokio::test]
async fn a_lease_that_runs_out_makes_its_delivery_due_again() {
    for world in every_backend().await {
        world.subscription().await;
        let due = world.publish(1, NOW).await;
        let first = world.claim(NOW, 10, 10).await;
        assert_eq!(first.len(), 1);

        // The worker that held it died: nothing is claimable until the lease runs out, which is
        // when the claim says the next delivery falls due...
        let limits =
            ClaimLimits { limit: 10, subscription_room: &[], per_subscription: 10, per_account: 10, account_room: &[] };
        let turned = world.claim_within(NOW + LEASE_MS - 1, limits).await;
        assert!(turned.claimed.is_empty());
        assert_eq!(turned.next_due_at, Some(NOW + LEASE_MS));
        let state = world.store.queue_state(NOW + LEASE_MS).await.expect("the queue's state");
        assert_eq!((state.due, state.in_flight, state.oldest_due_at), (1, 0, Some(NOW + LEASE_MS)));
        // ...and then it is, as it was.
        let again = world.claim(NOW + LEASE_MS, 10, 10).await;
        assert_eq!(again.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec![due[0].as_str()]);
        assert_eq!(again[0].attempts_made, 0);
    }
}

#[tokio::test]
async fn released_and_abandoned_leases_are_due_at_once() {
    for world in every_backend().await {
        world.subscription().await;
        world.publish(2, NOW).await;
        let claimed = world.claim(NOW, 10, 10).await;

        world.release(&claimed[..1], NOW + 5).await;
        assert_eq!(world.claim(NOW + 5, 10, 10).await.len(), 1, "the released one is due again");
        assert_eq!(world.store.release_abandoned_leases(NOW + 6).await.expect("a release"), 2);
        assert_eq!(world.claim(NOW + 6, 10, 10).await.len(), 2, "a restart takes back every lease");
    }
}

#[tokio::test]
async fn a_claim_gives_one_subscription_no_more_than_its_limit() {
    for world in every_backend().await {
        let busy = world.subscription().await;
        let other = world.subscription().await;
        world.publish(5, NOW).await;

        // Each event went to both subscriptions: at most 2 each, whatever the room.
        let claimed = world.claim(NOW + 1, 10, 2).await;
        let of = |id: &str| claimed.iter().filter(|c| c.subscription_id == id).count();
        assert_eq!((of(&busy), of(&other)), (2, 2));

        // The room the worker gives each subscription is what counts: none for one, three for the
        // other (whose window has grown), whatever the default.
        let room = [(busy.clone(), 0), (other.clone(), 3)];
        let limits = ClaimLimits {
            limit: 10,
            subscription_room: &room,
            per_subscription: 2,
            per_account: 1_000,
            account_room: &[],
        };
        let claimed = world.claim_within(NOW + 2, limits).await.claimed;
        assert_eq!(claimed.len(), 3);
        assert!(claimed.iter().all(|work| work.claimed.subscription_id == other));
    }
}

#[tokio::test]
async fn recording_an_attempt_moves_its_delivery_on_and_keeps_the_attempt() {
    for world in every_backend().await {
        world.subscription().await;
        let due = world.publish(2, NOW).await;
        let mut claimed = world.claim(NOW, 10, 10).await;
        claimed.sort_by(|a, b| due.iter().position(|id| *id == a.id).cmp(&due.iter().position(|id| *id == b.id)));
        let (first, second) = (claimed.remove(0), claimed.remove(0));
        let succeeded =
            DeliveryOutcome { status: DeliveryStatus::Succeeded, next_attempt_at: None, last_status_code: Some(200) };
        let retrying = DeliveryOutcome {
            status: DeliveryStatus::Retrying,
            next_attempt_at: Some(NOW + 5_000),
            last_status_code: Some(500),
        };
        let done = [finished(first, 200, succeeded, NOW + 10), finished(second, 500, retrying, NOW + 10)];
        world.record(&done).await;

        let ok = world.delivery(&due[0]).await;
        assert_eq!(
            (ok.status, ok.attempts_made, ok.next_attempt_at, ok.lease_until),
            (DeliveryStatus::Succeeded, 1, None, None)
        );
        let again = world.delivery(&due[1]).await;
        assert_eq!(
            (again.status, again.next_attempt_at, again.last_status_code),
            (DeliveryStatus::Retrying, Some(NOW + 5_000), Some(500))
        );
        let attempts = world.store.attempts_of(&world.account_id, &due[1], None, 10).await.expect("a read");
        assert_eq!(attempts.len(), 1);
        assert_eq!((attempts[0].number, attempts[0].response_status), (1, Some(500)));

        assert!(world.claim(NOW + 4_999, 10, 10).await.is_empty(), "a retry waits for its time");
        assert_eq!(world.claim(NOW + 5_000, 10, 10).await.len(), 1);
    }
}

#[tokio::test]
async fn a_redeliver_asked_for_during_an_attempt_is_kept() {
    for world in every_backend().await {
        world.subscription().await;
        let due = world.publish(1, NOW).await;
        let claimed = world.claim(NOW, 10, 10).await.remove(0);
        // A person presses Redeliver while the attempt runs.
        assert!(world
            .store
            .request_attempt(&world.account_id, &due[0], "manual", Some("ada"), NOW + 1)
            .await
            .expect("a request"));

        let failed =
            DeliveryOutcome { status: DeliveryStatus::Failed, next_attempt_at: None, last_status_code: Some(500) };
        world.record(&[finished(claimed, 500, failed, NOW + 2)]).await;
        let delivery = world.delivery(&due[0]).await;
        assert_eq!(
            (delivery.attempts_made, delivery.next_attempt_at),
            (1, Some(NOW + 1)),
            "the new request still stands"
        );
        let next = world.claim(NOW + 2, 10, 10).await;
        assert_eq!((next.len(), next[0].next_trigger.as_str()), (1, "manual"));
    }
}

#[tokio::test]
async fn deliveries_of_another_account_are_not_found() {
    for world in every_backend().await {
        world.subscription().await;
        let due = world.publish(1, NOW).await;
        let stranger = new_id("acc");
        assert!(world.store.find_delivery(&stranger, &due[0]).await.expect("a read").is_none());
        assert!(!world.store.request_attempt(&stranger, &due[0], "manual", None, NOW).await.expect("a request"));
    }
}

#[tokio::test]
async fn two_attempts_of_one_delivery_in_one_turn_are_recorded_in_order() {
    for world in every_backend().await {
        world.subscription().await;
        let due = world.publish(1, NOW).await;
        let first = world.claim(NOW, 10, 10).await.remove(0);
        // Redeliver is pressed while the first attempt runs, and the worker claims it again.
        assert!(world
            .store
            .request_attempt(&world.account_id, &due[0], "manual", None, NOW + 1)
            .await
            .expect("a request"));
        let second = world.claim(NOW + 1, 10, 10).await.remove(0);
        assert_eq!(second.next_trigger, "manual");

        let retrying = DeliveryOutcome {
            status: DeliveryStatus::Retrying,
            next_attempt_at: Some(NOW + 60_000),
            last_status_code: Some(500),
        };
        let succeeded =
            DeliveryOutcome { status: DeliveryStatus::Succeeded, next_attempt_at: None, last_status_code: Some(200) };
        world.record(&[finished(first, 500, retrying, NOW + 2), finished(second, 200, succeeded, NOW + 3)]).await;

        let delivery = world.delivery(&due[0]).await;
        assert_eq!(
            (delivery.status, delivery.attempts_made, delivery.next_attempt_at, delivery.lease_until),
            (DeliveryStatus::Succeeded, 2, None, None),
            "the first attempt did not undo the request; the second moved the delivery on"
        );
        let mut attempts = world.store.attempts_of(&world.account_id, &due[0], None, 10).await.expect("a read");
        attempts.sort_by_key(|attempt| attempt.number);
        let numbered: Vec<(i64, Option<i64>)> = attempts.iter().map(|a| (a.number, a.response_status)).collect();
        assert_eq!(numbered, vec![(1, Some(500)), (2, Some(200))]);
    }
}

#[tokio::test]
async fn a_turn_leaves_each_subscriptions_run_of_failures_as_one_at_a_time_would() {
    for world in every_backend().await {
        let subscription = world.subscription().await;
        world.publish(6, NOW).await;
        let mut claimed = world.claim(NOW, 10, 10).await;
        let failed = |at| DeliveryOutcome {
            status: DeliveryStatus::Retrying,
            next_attempt_at: Some(at + 60_000),
            last_status_code: Some(500),
        };
        let succeeded =
            DeliveryOutcome { status: DeliveryStatus::Succeeded, next_attempt_at: None, last_status_code: Some(200) };
        let failing_since = || async {
            world
                .store
                .find_subscription(&world.account_id, &subscription)
                .await
                .expect("a read")
                .expect("it exists")
                .failing_since
        };

        // Two failures: the run starts at the first.
        world
            .record(&[
                finished(claimed.remove(0), 500, failed(NOW + 1), NOW + 1),
                finished(claimed.remove(0), 500, failed(NOW + 2), NOW + 2),
            ])
            .await;
        assert_eq!(failing_since().await, Some(NOW + 1));
        // A failure, a success, a failure: the run that is left starts at the last.
        world
            .record(&[
                finished(claimed.remove(0), 500, failed(NOW + 3), NOW + 3),
                finished(claimed.remove(0), 200, succeeded.clone(), NOW + 4),
                finished(claimed.remove(0), 500, failed(NOW + 5), NOW + 5),
            ])
            .await;
        assert_eq!(failing_since().await, Some(NOW + 5));
        // A success ends it.
        world.record(&[finished(claimed.remove(0), 200, succeeded, NOW + 6)]).await;
        assert_eq!(failing_since().await, None);
    }
}

#[tokio::test]
async fn one_turn_records_and_claims_the_next_with_what_its_attempt_needs() {
    for world in every_backend().await {
        world.subscription().await;
        let due = world.publish(2, NOW).await;
        let first = world.claim(NOW, 1, 10).await.remove(0);
        let succeeded =
            DeliveryOutcome { status: DeliveryStatus::Succeeded, next_attempt_at: None, last_status_code: Some(200) };
        let done = [finished(first.clone(), 200, succeeded, NOW + 1)];
        let limits =
            ClaimLimits { limit: 10, subscription_room: &[], per_subscription: 10, per_account: 10, account_room: &[] };
        let turn = Turn { claim: Some(limits), lease_ms: LEASE_MS, ..Turn::closing(NOW + 1, &done, &[], &[]) };
        let turned = world.store.turn(&turn, || new_id("dlv")).await.expect("a turn");

        assert_eq!(world.delivery(&first.id).await.status, DeliveryStatus::Succeeded);
        assert_eq!(turned.claimed.len(), 1);
        let next = &turned.claimed[0];
        assert!(due.contains(&next.claimed.id) && next.claimed.id != first.id);
        let context = next.context.as_ref().expect("its event and subscription exist");
        assert_eq!((context.payload.as_deref(), context.subscription_active), (Some(r#"{"order":1}"#), true));
        assert_eq!(turned.next_due_at, Some(NOW + 1 + LEASE_MS), "nothing else is due before the leases run out");
    }
}

#[tokio::test]
async fn a_claim_gives_one_account_no_more_than_its_room() {
    for world in every_backend().await {
        world.subscription().await;
        world.subscription().await;
        world.publish(4, NOW).await;

        let full = [(world.account_id.clone(), 0)];
        let limits = ClaimLimits {
            limit: 10,
            subscription_room: &[],
            per_subscription: 10,
            account_room: &full,
            per_account: 10,
        };
        assert!(world.claim_within(NOW, limits).await.claimed.is_empty(), "an account with no room gets nothing");

        let three = [(world.account_id.clone(), 3)];
        let limits = ClaimLimits { account_room: &three, ..limits };
        assert_eq!(world.claim_within(NOW, limits).await.claimed.len(), 3, "whatever the default");
        let limits = ClaimLimits { account_room: &[], per_account: 2, ..limits };
        assert_eq!(world.claim_within(NOW, limits).await.claimed.len(), 2, "an account not named gets the default");
    }
}
