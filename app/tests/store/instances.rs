//! The queue with several instances on one database (PostgreSQL): claims made at the same
//! moment are disjoint, the limits count what the other instances hold, and a restart takes
//! back only the restarting instance's claims. (Each test runs where a second instance can
//! open the database, and says so where it cannot.) The lease-token fences hold on both.

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

#[tokio::test]
async fn a_holder_whose_lease_ran_out_cannot_give_back_the_new_holders_claim() {
    for world in every_backend().await {
        world.subscription().await;
        world.publish(1, NOW).await;
        let late = world.claim(NOW, 10, 10).await;
        let again = NOW + LEASE_MS + 1;
        assert_eq!(world.claim(again, 10, 10).await.len(), 1, "claimed again once the lease ran out");
        // The first holder gives it back (it stops): the new holder's claim stands.
        world.release(&late, again + 1).await;
        assert!(world.claim(again + 2, 10, 10).await.is_empty(), "still held by the new holder");
    }
}

#[tokio::test]
async fn work_held_by_other_instances_does_not_crowd_out_the_rest() {
    for world in every_backend().await {
        let Some(other) = world.another_instance("b").await else {
            eprintln!("one instance on SQLite: its worker leaves out what it holds itself (see the queue tests)");
            continue;
        };
        let busy = world.subscription().await;
        world.publish(100, NOW).await;
        let quiet = world.subscription().await;
        // Published later (to both): the busy subscription's hundred are due first, many times
        // more than a claim looks at (four times its limit).
        world.publish(1, NOW + 1).await;
        let limits = ClaimLimits { limit: 4, per_subscription: 4, ..ROOMY };
        let mine = claim_from(&world.store, NOW + 2, limits).await.claimed;
        assert_eq!(mine.len(), 4);
        assert!(mine.iter().all(|work| work.claimed.subscription_id == busy), "a took the busy one's first four");

        // b holds nothing itself, but the busy subscription is at its limit: b looks past it.
        let theirs = claim_from(&other, NOW + 2, limits).await.claimed;
        let subscriptions: Vec<&str> = theirs.iter().map(|work| work.claimed.subscription_id.as_str()).collect();
        assert_eq!(subscriptions, [quiet.as_str()], "b claims the quiet subscription's delivery");
    }
}

#[tokio::test]
async fn the_shared_sign_in_allowances_are_kept_for_at_most_so_many_keys() {
    for world in every_backend().await {
        let spend = |key: &'static str| {
            let store = world.store.clone();
            async move { store.spend_allowance(key, 2, 60_000, 3, NOW).await.expect("a spend") }
        };
        if spend("name:a").await.is_none() {
            eprintln!("one instance on SQLite: it keeps its allowances in memory (see rate_limit's tests)");
            continue;
        }
        assert_eq!(spend("name:b").await, Some(true));
        assert_eq!(spend("name:a").await, Some(true), "a's second of two");
        assert_eq!(spend("name:a").await, Some(false), "a's allowance is spent");
        assert_eq!(spend("name:c").await, Some(true), "the third key");
        assert_eq!(spend("name:d").await, Some(false), "no fourth key is kept");
        world.store.forget_full_allowances(NOW + 3 * 60_000).await.expect("forgotten");
        assert_eq!(spend("name:d").await, Some(true), "room again once the full allowances are forgotten");
    }
}
