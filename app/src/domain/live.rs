//! Change notices for open dashboards: whoever changes an account's events or deliveries says
//! so here, and the `/live` stream passes the word to that account's pages, which then re-read
//! what they show. A notice carries no data, so a page can never learn more than it may read.

use std::sync::Arc;

use tokio::sync::broadcast;

/// Notices queued per listener before the slowest starts missing them (and is told to
/// refresh everything instead).
const BACKLOG: usize = 1024;

#[derive(Clone, Debug)]
pub struct LiveFeed {
    sender: broadcast::Sender<Arc<str>>,
}

impl Default for LiveFeed {
    fn default() -> Self {
        LiveFeed { sender: broadcast::channel(BACKLOG).0 }
    }
}

impl LiveFeed {
    /// Something of this account changed.
    pub fn changed(&self, account_id: &str) {
        // No listener is not an error: nobody has a page open.
        let _ = self.sender.send(Arc::from(account_id));
    }

    /// Every account's notices, for one listener to filter.
    pub fn listen(&self) -> broadcast::Receiver<Arc<str>> {
        self.sender.subscribe()
    }

    /// Announces each distinct account of `account_ids` once.
    pub fn changed_all<'a>(&self, account_ids: impl IntoIterator<Item = &'a str>) {
        let mut seen: Vec<&str> = Vec::new();
        for id in account_ids {
            if !seen.contains(&id) {
                seen.push(id);
                self.changed(id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::LiveFeed;

    #[tokio::test]
    async fn each_account_is_announced_once_per_batch() {
        let feed = LiveFeed::default();
        let mut listener = feed.listen();
        feed.changed_all(["acc_a", "acc_b", "acc_a"]);
        assert_eq!(&*listener.recv().await.unwrap(), "acc_a");
        assert_eq!(&*listener.recv().await.unwrap(), "acc_b");
        assert!(listener.try_recv().is_err());
    }
}
