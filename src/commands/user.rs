//! `hookrelay user create --email E`: the password is read from standard input.

use std::io::{BufRead, IsTerminal};

use anyhow::Context;
use app::domain::{accounts, users};
use app::store::Store;

use crate::cli::{StorageArgs, UserCreateArgs, UserSetPasswordArgs};

pub async fn create(args: UserCreateArgs) -> anyhow::Result<()> {
    let password = read_password()?;
    let store = open_store(&args.storage).await?;
    let user = accounts::register(&store, &args.email, &password, args.admin)
        .await
        .map_err(|error| anyhow::anyhow!("{}{error}", error.field().map(|f| format!("{f}: ")).unwrap_or_default()))?;
    let admin = store.is_admin(&user.user_id).await.context("cannot read the new user back");
    store.close().await;
    let role = if admin? { " (the instance admin)" } else { "" };
    println!("Created user {}{role} with account {}", user.email, user.account_id);
    Ok(())
}

pub async fn set_password(args: UserSetPasswordArgs) -> anyhow::Result<()> {
    let password = read_password()?;
    let store = open_store(&args.storage).await?;
    let outcome = users::set_password(&store, &args.email, &password).await;
    store.close().await;
    match outcome {
        Ok(()) => {
            println!("Set the password of {}; their sessions have ended.", args.email.trim());
            Ok(())
        }
        Err(app::error::AppError::NotFound) => anyhow::bail!("--email: no user has the address {}", args.email.trim()),
        Err(error) => Err(anyhow::anyhow!("{}{error}", error.field().map(|f| format!("{f}: ")).unwrap_or_default())),
    }
}

/// Opens the database the server uses (creating it and its schema if this is the first use).
pub async fn open_store(storage: &StorageArgs) -> anyhow::Result<Store> {
    crate::data_dir::create(&storage.data_dir)?;
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
