//! Publishing: one delivery per matching subscription, and idempotency keys.

use app::domain::ids::new_id;
use app::store::Inserted;

use crate::world::{open, NOW};

#[tokio::test]
async fn an_idempotency_key_stores_the_event_once_within_its_window() {
    let world = open().await;
    world.subscription().await;
    let first = world.event(Some("order-1"), NOW);
    let first_id = first.record.id.clone();
    let inserted = world.store.insert_events(&[first], || new_id("dlv")).await.expect("stored");
    assert!(matches!(&inserted[..], [Inserted::Created { deliveries }] if deliveries.len() == 1));

    // The same key again, in the same batch and in a later one: the first event answers.
    let again = [world.event(Some("order-1"), NOW + 1), world.event(Some("order-2"), NOW + 1)];
    let inserted = world.store.insert_events(&again, || new_id("dlv")).await.expect("stored");
    assert!(matches!(&inserted[0], Inserted::Existing { event_id } if *event_id == first_id));
    assert!(matches!(&inserted[1], Inserted::Created { deliveries } if deliveries.len() == 1));

    // Past the window the key is free again.
    let mut late = world.event(Some("order-1"), NOW + 2);
    late.idempotency_since = NOW + 1;
    let inserted = world.store.insert_events(&[late], || new_id("dlv")).await.expect("stored");
    assert!(matches!(&inserted[0], Inserted::Created { .. }));
}

#[tokio::test]
async fn an_event_gets_one_delivery_per_enabled_subscription() {
    let world = open().await;
    assert_eq!(world.publish(1, NOW).await.len(), 0, "no subscription, no delivery");
    world.subscription().await;
    world.subscription().await;
    assert_eq!(world.publish(1, NOW).await.len(), 2);
}
