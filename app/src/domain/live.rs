//! Change notices for open dashboards: whoever changes an account's events or deliveries says
//! so here, and the `/live` stream passes the word to that account's pages, which then re-read
//! what they show. A notice carries no data, so a page can never learn more than it may read.

use std::sync::Arc;

use tokio::sync::broadcast;

/// Notices queued per listener before the slowest starts missing them (and is told to
/// refresh everything instead).
const BACKLOG: usize = 1024;

/// The notice that concerns every account: this instance may have missed notices from the
/// others (its link to them dropped), so every page re-reads.
const EVERY_ACCOUNT: &str = "*";

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

    /// Something of any account may have changed.
    pub fn changed_everywhere(&self) {
        let _ = self.sender.send(Arc::from(EVERY_ACCOUNT));
    }

    /// Whether a notice concerns `account_id`.
    pub fn concerns(notice: &str, account_id: &str) -> bool {
        notice == account_id || notice == EVERY_ACCOUNT
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

    #[tokio::test]
    async fn a_notice_for_every_account_concerns_each_one() {
        let feed = LiveFeed::default();
        let mut listener = feed.listen();
        feed.changed_everywhere();
        let notice = listener.recv().await.unwrap();
        assert!(LiveFeed::concerns(&notice, "acc_a") && LiveFeed::concerns(&notice, "acc_b"));
        assert!(!LiveFeed::concerns("acc_a", "acc_b"));
    }
}
