//! `hookrelay api-key create --email E --name N`: prints the key alone on the last line.

use app::domain::{api_keys, users};

use crate::cli::ApiKeyCreateArgs;

pub async fn create(args: ApiKeyCreateArgs) -> anyhow::Result<()> {
    let store = args.storage.open().await?;
    let email = users::normalize_email(&args.email).map_err(|error| anyhow::anyhow!("--email: {error}"))?;
    let Some(account_id) = users::account_of_email(&store, &email).await.map_err(anyhow::Error::msg)? else {
        anyhow::bail!("no user with the email {email}");
    };
    let created =
        api_keys::create(&store, &account_id, &args.name).await.map_err(|error| anyhow::anyhow!("--name: {error}"))?;
    store.close().await;
    eprintln!(
        "Created API key {} ({}) for account {account_id}. It is shown once:",
        created.api_key.name, created.api_key.id
    );
    println!("{}", created.key);
    Ok(())
}
