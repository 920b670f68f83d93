//! `hookrelay user create --email E`: the password is read from standard input.

use std::io::{BufRead, IsTerminal};

use anyhow::Context;
use app::domain::{accounts, users};

use crate::cli::{UserCreateArgs, UserSetPasswordArgs};

pub async fn create(args: UserCreateArgs) -> anyhow::Result<()> {
    let password = read_password()?;
    let store = args.storage.open().await?;
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
    let store = args.storage.open().await?;
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

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("Password: ").context("cannot read the password");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}
