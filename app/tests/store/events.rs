//! Publishing: one delivery per matching subscription, and idempotency keys.

use std::time::Duration;

use app::domain::ids::new_id;
use app::store::{EventQuery, Inserted, NewEvent};

use crate::world::{every_backend, EVENT_TYPE, NOW};

#[tokio::test]
async fn an_idempotency_key_stores_the_event_once_within_its_window() {
    for world in every_backend().await {
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
}

#[tokio::test]
async fn an_event_gets_one_delivery_per_enabled_subscription() {
    for world in every_backend().await {
        assert_eq!(world.publish(1, NOW).await.len(), 0, "no subscription, no delivery");
        world.subscription().await;
        world.subscription().await;
        assert_eq!(world.publish(1, NOW).await.len(), 2);
    }
}

#[tokio::test]
async fn a_batch_answers_each_event_in_its_place_whichever_way_it_was_written() {
    for world in every_backend().await {
        let first = world.subscription().await;
        let second = world.subscription().await;
        // Events without a key are written together, those with one one at a time: each answer
        // must still be its own event's.
        let batch = [world.event(None, NOW), world.event(Some("order-1"), NOW), world.event(None, NOW)];
        let inserted = world.store.insert_events(&batch, || new_id("dlv")).await.expect("stored");
        assert_eq!(inserted.len(), 3);
        let mut delivery_ids = Vec::new();
        for (event, result) in batch.iter().zip(&inserted) {
            let Inserted::Created { deliveries } = result else { panic!("every event is new") };
            let mut subscriptions: Vec<&str> =
                deliveries.iter().map(|(_, subscription)| subscription.as_str()).collect();
            subscriptions.sort();
            let mut expected = vec![first.as_str(), second.as_str()];
            expected.sort();
            assert_eq!(subscriptions, expected);
            for (delivery_id, _) in deliveries {
                let delivery = world.delivery(delivery_id).await;
                assert_eq!(delivery.event_id, event.record.id, "the delivery is of the event it was answered for");
                delivery_ids.push(delivery_id.clone());
            }
        }
        delivery_ids.sort();
        delivery_ids.dedup();
        assert_eq!(delivery_ids.len(), 6);
    }
}

#[tokio::test]
async fn an_event_of_a_type_not_active_is_not_stored() {
    for world in every_backend().await {
        world.subscription().await;
        world.event_type("order.archived", true).await;
        let mut archived = world.event(None, NOW);
        archived.record.event_type = "order.archived".into();
        let mut unknown = world.event(Some("key-1"), NOW);
        unknown.record.event_type = "order.unknown".into();
        let batch = [archived, world.event(None, NOW), unknown];
        let inserted = world.store.insert_events(&batch, || new_id("dlv")).await.expect("written");
        assert!(matches!(inserted[0], Inserted::InactiveType), "an archived type");
        assert!(matches!(&inserted[1], Inserted::Created { deliveries } if deliveries.len() == 1), "an active one");
        assert!(matches!(inserted[2], Inserted::InactiveType), "an undeclared type, with a key or not");
        for event in [&batch[0], &batch[2]] {
            assert!(world.store.find_event(&world.account_id, &event.record.id).await.expect("a read").is_none());
        }
    }
}

#[tokio::test]
async fn once_an_archive_is_done_no_publish_of_its_type_goes_in() {
    for world in every_backend().await {
        world.subscription().await;
        // Four publishers write batches at once until the type is archived under them.
        let mut publishers = Vec::new();
        for _ in 0..4 {
            let batches: Vec<Vec<NewEvent>> =
                (0..200).map(|_| (0..50).map(|_| world.event(None, NOW)).collect()).collect();
            let store = world.store.clone();
            publishers.push(tokio::spawn(async move {
                for batch in batches {
                    let inserted = store.insert_events(&batch, || new_id("dlv")).await.expect("stored");
                    if inserted.iter().any(|inserted| matches!(inserted, Inserted::InactiveType)) {
                        break;
                    }
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut archived =
            world.store.find_event_type(&world.account_id, EVENT_TYPE).await.expect("a read").expect("the type");
        archived.archived = true;
        assert!(world.store.update_event_type(&archived).await.expect("archived"));
        let every = EventQuery { limit: u32::MAX, ..Default::default() };
        let at_archive = world.store.count_events(&world.account_id, &every).await.expect("a count");
        for publisher in publishers {
            publisher.await.expect("a publisher");
        }
        assert!(at_archive > 0, "publishes went in before the archive");
        let after = world.store.count_events(&world.account_id, &every).await.expect("a count");
        assert_eq!(after, at_archive, "none went in once the archive was done");
    }
}
