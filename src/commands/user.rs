//! `hookrelay user create --email E`: the password is read from standard input.

use std::io::{BufRead, IsTerminal};

use anyhow::Context;
use app::domain::accounts;
use app::store::Store;

use crate::cli::{StorageArgs, UserCreateArgs};

pub async fn create(args: UserCreateArgs) -> anyhow::Result<()> {
    let password = read_password()?;
    let store = open_store(&args.storage).await?;
    let user = accounts::register(&store, &args.email, &password)
        .await
        .map_err(|error| anyhow::anyhow!("{}{error}", error.field().map(|f| format!("{f}: ")).unwrap_or_default()))?;
    store.close().await;
    println!("Created user {} with account {}", user.email, user.account_id);
    Ok(())
}

/// Opens the database the server uses (creating it and its schema if this is the first use).
pub async fn open_store(storage: &StorageArgs) -> anyhow::Result<Store> {
    std::fs::create_dir_all(&storage.data_dir)
        .with_context(|| format!("cannot create the data folder {}", storage.data_dir.display()))?;
    let url = storage.database_url();
    let store = Store::connect(&url).await.with_context(|| format!("cannot open the database {url}"))?;
    store.migrate().await.with_context(|| format!("cannot apply the database migrations to {url}"))?;
    Ok(store)
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("Password: ").context("cannot read the password");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}
