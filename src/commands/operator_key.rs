//! `hookrelay operator-key create --name N`: prints the key alone on the last line.

use app::domain::operator;

use super::user::open_store;
use crate::cli::OperatorKeyCreateArgs;

pub async fn create(args: OperatorKeyCreateArgs) -> anyhow::Result<()> {
    let store = open_store(&args.storage).await?;
    let (record, key) =
        operator::create_key(&store, &args.name).await.map_err(|error| anyhow::anyhow!("--name: {error}"))?;
    store.close().await;
    eprintln!("Created operator key {} ({}). It is shown once:", record.name, record.id);
    println!("{key}");
    Ok(())
}
