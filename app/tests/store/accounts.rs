//! Registration: the instance's first account makes its owner the instance admin, and only
//! the first, however many registrations arrive at once.

use app::domain::ids::new_id;
use app::store::{NewAccount, NewUser};

use crate::world::{every_empty_backend, NOW};

#[tokio::test]
async fn of_registrations_made_at_once_on_a_new_instance_only_one_makes_an_admin() {
    for empty in every_empty_backend().await {
        let mut registrations = Vec::new();
        for n in 0..12 {
            let store = empty.store.clone();
            registrations.push(tokio::spawn(async move {
                let (account_id, user_id) = (new_id("acc"), new_id("usr"));
                let email = format!("first-{n}@example.com");
                let account = NewAccount { id: &account_id, name: "Team", created_at: NOW };
                let user = NewUser { id: &user_id, email: &email, password_hash: "not checked here", created_at: NOW };
                store.insert_account_with_owner(&account, &user, false).await.expect("a registration")
            }));
        }
        let mut admins = 0;
        for registration in registrations {
            admins += usize::from(registration.await.expect("a registration"));
        }
        assert_eq!(admins, 1, "exactly one of the first registrations is the instance admin");
    }
}
