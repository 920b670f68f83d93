//! A fresh store with one account and its subscriptions, and the few steps tests build on.

use app::domain::ids::new_id;
use app::domain::queue::{ClaimLimits, Claimed, DeliveryOutcome, Finished, Queue, SubscriptionEffect, Turn, Turned};
use app::model::DeliveryStatus;
use app::store::{
    AccountRecord, AttemptRecord, DeliveryRecord, EventRecord, EventTypeRecord, FanOut, Inserted, NewEvent, Store,
    SubscriptionRecord,
};

pub const NOW: i64 = 1_800_000_000_000;

pub struct World {
    pub store: Store,
    pub account_id: String,
    /// Where the database is (to open it again as another instance).
    url: String,
    /// The directory the database lives in, removed at the end of the test.
    _dir: tempfile::TempDir,
}

/// The PostgreSQL server the tests may use (`scripts/test-rust.sh` starts a throwaway one):
/// every test makes a database of its own on it.
const POSTGRES_ENV: &str = "HOOKRELAY_TEST_POSTGRES_URL";

/// A migrated, empty store with one account on each backend: SQLite, and PostgreSQL when the
/// test script has started one. (Without it, the PostgreSQL half is left out, and says so.)
pub async fn every_backend() -> Vec<World> {
    let mut worlds = Vec::new();
    for empty in every_empty_backend().await {
        worlds.push(empty.with_an_account().await);
    }
    worlds
}

/// A migrated store with nothing in it, on each backend (as [`every_backend`]).
pub async fn every_empty_backend() -> Vec<Empty> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut stores = vec![Empty::open(&format!("sqlite://{}", dir.path().join("store.db").display()), dir).await];
    match std::env::var(POSTGRES_ENV) {
        Ok(server) => {
            let url = fresh_postgres_database(&server).await;
            stores.push(Empty::open(&url, tempfile::tempdir().expect("a temporary directory")).await);
        }
        Err(_) => eprintln!("{POSTGRES_ENV} is not set: this store test ran on SQLite only (make test-rust sets it)"),
    }
    stores
}

/// A migrated store with nothing in it.
pub struct Empty {
    pub store: Store,
    url: String,
    dir: tempfile::TempDir,
}

impl Empty {
    async fn open(url: &str, dir: tempfile::TempDir) -> Empty {
        let store = Store::connect(url, "store-tests").await.expect("the store opens");
        store.migrate().await.expect("the schema applies");
        Empty { store, url: url.to_string(), dir }
    }

    async fn with_an_account(self) -> World {
        let account_id = new_id("acc");
        let account =
            AccountRecord { id: account_id.clone(), name: "Tests".into(), external_id: None, created_at: NOW };
        self.store.insert_account(&account).await.expect("an account");
        let world = World { store: self.store, account_id, url: self.url, _dir: self.dir };
        world.event_type(EVENT_TYPE, false).await;
        world
    }
}

/// A new, empty database on the PostgreSQL server at `server`; its URL.
async fn fresh_postgres_database(server: &str) -> String {
    use sqlx::Connection;
    let name = format!("store_{}", new_id("t").trim_start_matches("t_").to_lowercase());
    let mut admin = sqlx::PgConnection::connect(server).await.expect("the test PostgreSQL server answers");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("a test database");
    let mut url = url::Url::parse(server).expect("a PostgreSQL URL");
    url.set_path(&name);
    url.to_string()
}

/// The type `World::event` publishes.
pub const EVENT_TYPE: &str = "order.created";

impl World {
    /// The same database opened by another instance named `name`, where several instances can
    /// share one (PostgreSQL); `None` on SQLite.
    pub async fn another_instance(&self, name: &str) -> Option<Store> {
        if !app::store::is_postgres_url(&self.url) {
            return None;
        }
        Some(Store::connect(&self.url, name).await.expect("the store opens again"))
    }

    /// Declares an event type in the account.
    pub async fn event_type(&self, name: &str, archived: bool) {
        let record = EventTypeRecord {
            id: new_id("etp"),
            account_id: self.account_id.clone(),
            name: name.into(),
            description: String::new(),
            example: None,
            archived,
            created_at: NOW,
            updated_at: NOW,
        };
        self.store.insert_event_type(&record).await.expect("an event type");
    }

    /// An enabled subscription to every event type.
    pub async fn subscription(&self) -> String {
        let id = new_id("sub");
        let record = SubscriptionRecord {
            id: id.clone(),
            url: "https://example.com/hook".into(),
            description: String::new(),
            headers: "{}".into(),
            webhook_id: None,
            enabled: true,
            disabled_reason: None,
            created_at: NOW,
            updated_at: NOW,
            failing_since: None,
            event_types: Vec::new(),
        };
        self.store.insert_subscription(&self.account_id, &record, "whsec_test").await.expect("a subscription");
        id
    }

    /// Publishes `count` events of type `order.created` at `at`; the ids of their deliveries.
    pub async fn publish(&self, count: usize, at: i64) -> Vec<String> {
        let events: Vec<NewEvent> = (0..count).map(|_| self.event(None, at)).collect();
        let inserted = self.store.insert_events(&events, || new_id("dlv")).await.expect("events are stored");
        inserted
            .into_iter()
            .flat_map(|inserted| match inserted {
                Inserted::Created { deliveries } => deliveries.into_iter().map(|(id, _)| id).collect(),
                Inserted::Existing { .. } | Inserted::InactiveType => Vec::new(),
            })
            .collect()
    }

    pub fn event(&self, idempotency_key: Option<&str>, at: i64) -> NewEvent {
        NewEvent {
            record: EventRecord {
                id: new_id("evt"),
                account_id: self.account_id.clone(),
                event_type: EVENT_TYPE.into(),
                payload: Some(r#"{"order":1}"#.into()),
                idempotency_key: idempotency_key.map(str::to_string),
                created_at: at,
            },
            fan_out: FanOut::Matching,
            idempotency_since: at - 86_400_000,
        }
    }

    pub async fn delivery(&self, id: &str) -> DeliveryRecord {
        self.store.find_delivery(&self.account_id, id).await.expect("a read").expect("the delivery exists")
    }

    /// Claims with room for `limit`, at most `per_subscription` per subscription.
    pub async fn claim(&self, now: i64, limit: u32, per_subscription: u32) -> Vec<Claimed> {
        let limits =
            ClaimLimits { limit, subscription_room: &[], per_subscription, per_account: 1_000, account_room: &[] };
        self.claim_within(now, limits).await.claimed.into_iter().map(|work| work.claimed).collect()
    }

    /// A turn that only claims.
    pub async fn claim_within(&self, now: i64, limits: ClaimLimits<'_>) -> Turned {
        claim_from(&self.store, now, limits).await
    }

    /// A turn that only records.
    pub async fn record(&self, finished: &[Finished]) {
        let now = finished.iter().map(|item| item.now).max().unwrap_or(0);
        self.store
            .turn(&Turn::closing(now, finished, &[], &[]), || new_id("dlv"))
            .await
            .expect("attempts are recorded");
    }

    /// A turn that only gives claimed deliveries back.
    pub async fn release(&self, claimed: &[Claimed], now: i64) {
        self.store.turn(&Turn::closing(now, &[], &[], claimed), || new_id("dlv")).await.expect("a release");
    }
}

/// A turn of `store` that only claims.
pub async fn claim_from(store: &Store, now: i64, limits: ClaimLimits<'_>) -> Turned {
    let turn = Turn { claim: Some(limits), lease_ms: LEASE_MS, ..Turn::closing(now, &[], &[], &[]) };
    store.turn(&turn, || new_id("dlv")).await.expect("a claim")
}

pub const LEASE_MS: i64 = 40_000;

/// A finished attempt of `claimed` that the endpoint answered with `status`.
pub fn finished(claimed: Claimed, status: u16, outcome: DeliveryOutcome, now: i64) -> Finished {
    let effect = if outcome.status == DeliveryStatus::Succeeded {
        SubscriptionEffect::Succeeded
    } else {
        SubscriptionEffect::Failed
    };
    let attempt = AttemptRecord {
        id: new_id("att"),
        account_id: claimed.account_id.clone(),
        delivery_id: claimed.id.clone(),
        number: 0,
        trigger: claimed.next_trigger.clone(),
        triggered_by: None,
        started_at: now,
        duration_ms: 12,
        request_url: "https://example.com/hook".into(),
        request_headers: "{}".into(),
        request_body: Some(r#"{"order":1}"#.into()),
        response_status: Some(i64::from(status)),
        response_headers: Some("{}".into()),
        response_body: Some("ok".into()),
        response_truncated: false,
        error_kind: None,
        error_message: None,
    };
    Finished { claimed, attempt, outcome, effect, now, alerts: Vec::new() }
}
