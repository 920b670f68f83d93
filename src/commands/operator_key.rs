//! `hookrelay operator-key create --name N` (prints the key alone on the last line), `list`,
//! and `revoke --name N`.

use app::domain::operator_keys;

use crate::cli::{OperatorKeyCreateArgs, StorageOnlyArgs};

pub async fn create(args: OperatorKeyCreateArgs) -> anyhow::Result<()> {
    let store = args.storage.open().await?;
    let (record, key) =
        operator_keys::create_key(&store, &args.name).await.map_err(|error| anyhow::anyhow!("--name: {error}"))?;
    store.close().await;
    eprintln!("Created operator key {} ({}). It is shown once:", record.name, record.id);
    println!("{key}");
    Ok(())
}

pub async fn list(args: StorageOnlyArgs) -> anyhow::Result<()> {
    let store = args.storage.open().await?;
    let keys = operator_keys::list_keys(&store).await;
    store.close().await;
    let keys = keys?;
    if keys.is_empty() {
        eprintln!("No operator keys. Create one with: hookrelay operator-key create --name N");
    }
    for key in keys {
        let used = key
            .last_used_at
            .map_or("never used".to_string(), |at| format!("last used {}", app::domain::format_time(at)));
        println!(
            "{}\t{}\t{}…\tcreated {}\t{used}",
            key.name,
            key.id,
            key.prefix,
            app::domain::format_time(key.created_at)
        );
    }
    Ok(())
}

pub async fn revoke(args: OperatorKeyCreateArgs) -> anyhow::Result<()> {
    let store = args.storage.open().await?;
    let revoked = operator_keys::revoke_key(&store, &args.name).await;
    store.close().await;
    match revoked? {
        0 => anyhow::bail!("--name: no operator key is named {:?} (see hookrelay operator-key list)", args.name),
        count => eprintln!("Revoked {count} operator key(s) named {}.", args.name),
    }
    Ok(())
}
