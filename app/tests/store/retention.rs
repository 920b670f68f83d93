//! Retention empties old payloads, but never one still to be delivered.

use app::domain::queue::DeliveryOutcome;
use app::model::DeliveryStatus;

use crate::world::{every_backend, finished, NOW};

#[tokio::test]
async fn retention_purges_delivered_payloads_and_keeps_those_still_due() {
    for world in every_backend().await {
        world.subscription().await;
        let delivered = world.publish(1, NOW).await;
        let claimed = world.claim(NOW, 10, 10).await.remove(0);
        let succeeded =
            DeliveryOutcome { status: DeliveryStatus::Succeeded, next_attempt_at: None, last_status_code: Some(200) };
        world.record(&[finished(claimed, 200, succeeded, NOW)]).await;
        let waiting = world.publish(1, NOW).await;

        let purged = world.store.purge_before(NOW + 1).await.expect("a purge");
        assert_eq!(purged, 2, "the delivered event's payload and its attempt's bodies");

        let event_of = |delivery_id: String| {
            let world = &world;
            async move {
                let delivery = world.delivery(&delivery_id).await;
                world.store.find_event(&world.account_id, &delivery.event_id).await.expect("a read").expect("the event")
            }
        };
        assert_eq!(event_of(delivered[0].clone()).await.payload, None);
        assert!(event_of(waiting[0].clone()).await.payload.is_some(), "a payload still due is kept");
        let attempts = world.store.attempts_of(&world.account_id, &delivered[0], None, 10).await.expect("a read");
        assert_eq!((attempts[0].request_body.as_deref(), attempts[0].response_body.as_deref()), (None, None));
        assert_eq!(attempts[0].response_status, Some(200), "the figures stay");
        assert_eq!(world.store.purge_before(NOW + 1).await.expect("a purge"), 0);
    }
}
