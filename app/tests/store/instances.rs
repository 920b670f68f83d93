//! The queue with several instances on one database (PostgreSQL): claims made at the same
//! moment are disjoint, the limits count what the other instances hold, and a restart takes
//! back only the restarting instance's claims. (Each test runs where a second instance can
//! open the database, and says so where it cannot.) The lease-token fence holds on both.

use std::collections::HashSet;

use app::domain::queue::{ClaimLimits, DeliveryOutcome, Queue};
use app::model::DeliveryStatus;

use crate::world::{claim_from, every_backend, finished, LEASE_MS, NOW};

const ROOMY: ClaimLimits<'static> =
    ClaimLimits { limit: 25, subscription_room: &[], per_subscription: 1_000, account_room: &[], per_account: 1_000 };

#[tokio::test]
async fn claims_made_at_once_by_several_instances_are_disjoint() {
    for world in every_backend().await {
        let Some(other) = world.another_instance("b").await else {
            eprintln!("one instance on SQLite: nothing to race");
            continue;
        };
        world.subscription().await;
        let due: HashSet<String> = world.publish(400, NOW).await.into_iter().collect();
        // Sixteen claims of 25 at once, half from each instance.
        let mut claims = Vec::new();
        for n in 0..16 {
            let store = if n % 2 == 0 { world.store.clone() } else { other.clone() };
            claims.push(tokio::spawn(async move { claim_from(&store, NOW, ROOMY).await }));
        }
        let mut claimed = Vec::new();
        for claim in claims {
            claimed.extend(claim.await.expect("a claim").claimed.into_iter().map(|work| work.claimed.id));
        }
        let distinct: HashSet<String> = claimed.iter().cloned().collect();
        assert_eq!(distinct.len(), claimed.len(), "no delivery was claimed twice");
        assert_eq!(distinct, due, "together they claimed every due delivery");
    }
}

#[tokio::test]
async fn the_limits_count_what_other_instances_hold() {
    for world in every_backend().await {
        let Some(other) = world.another_instance("b").await else {
            eprintln!("one instance on SQLite: its worker's limits are all there is");
            continue;
        };
        let subscription = world.subscription().await;
        world.publish(10, NOW).await;
        let limits = ClaimLimits { per_subscription: 4, ..ROOMY };
        assert_eq!(claim_from(&world.store, NOW, limits).await.claimed.len(), 4);
        let room = [(subscription, 4)];
        let mine = ClaimLimits { subscription_room: &room, ..limits };
        assert!(
            claim_from(&other, NOW, mine).await.claimed.is_empty(),
            "b may hold 4 of the subscription, but a holds 4 already"
        );
        let accounts = ClaimLimits { per_account: 6, ..ROOMY };
        assert_eq!(claim_from(&other, NOW, accounts).await.claimed.len(), 2, "the account's 6 less a's 4");
    }
}

#[tokio::test]
async fn a_restart_takes_back_only_its_own_claims() {
    for world in every_backend().await {
        let Some(other) = world.another_instance("b").await else {
            eprintln!("one instance on SQLite: a restart takes back every claim (see the queue tests)");
            continue;
        };
        world.subscription().await;
        world.publish(4, NOW).await;
        let limits = ClaimLimits { limit: 2, ..ROOMY };
        assert_eq!(claim_from(&world.store, NOW, limits).await.claimed.len(), 2);
        assert_eq!(claim_from(&other, NOW, limits).await.claimed.len(), 2);
        assert_eq!(other.release_abandoned_leases(NOW + 1).await.expect("a release"), 2, "b's two, not a's");
        assert_eq!(claim_from(&other, NOW + 1, ROOMY).await.claimed.len(), 2, "a's are still a's");
    }
}

#[tokio::test]
async fn a_holder_whose_lease_ran_out_cannot_overwrite_the_new_holders_record() {
    for world in every_backend().await {
        world.subscription().await;
        let due = world.publish(1, NOW).await;
        let late = world.claim(NOW, 10, 10).await.remove(0);
        // Its lease runs out; the delivery is claimed again.
        let again = NOW + LEASE_MS + 1;
        let current = world.claim(again, 10, 10).await.remove(0);
        assert_ne!(late.lease_token, current.lease_token);

        // The first holder's attempt ends after all, in failure: it is kept and counted, but
        // where the delivery stands is the new holder's.
        let retrying = DeliveryOutcome {
            status: DeliveryStatus::Retrying,
            next_attempt_at: Some(again + 5),
            last_status_code: Some(500),
        };
        world.record(&[finished(late, 500, retrying, again + 2)]).await;
        let held = world.delivery(&due[0]).await;
        assert_eq!(
            (held.status, held.attempts_made, held.lease_until),
            (DeliveryStatus::Pending, 1, Some(again + LEASE_MS)),
            "still the new holder's"
        );

        let succeeded =
            DeliveryOutcome { status: DeliveryStatus::Succeeded, next_attempt_at: None, last_status_code: Some(200) };
        world.record(&[finished(current, 200, succeeded, again + 3)]).await;
        let done = world.delivery(&due[0]).await;
        assert_eq!((done.status, done.attempts_made, done.next_attempt_at), (DeliveryStatus::Succeeded, 2, None));
        let attempts = world.store.attempts_of(&world.account_id, &due[0], None, 10).await.expect("a read");
        assert_eq!(attempts.len(), 2, "both attempts are kept");
    }
}
