//! `hookrelay backup <file>`: a consistent online copy of the database.
//!
//! SQLite's `VACUUM INTO` reads one snapshot (a read transaction, which in WAL mode never blocks
//! the server's writer) and writes it as a compact, self-contained database. It is written
//! beside the target first and renamed into place, so an interrupted backup never leaves a
//! file that looks complete.

use anyhow::Context;

use crate::cli::BackupArgs;

pub async fn run(args: BackupArgs) -> anyhow::Result<()> {
    if args.storage.is_postgres() {
        anyhow::bail!(
            "hookrelay backup copies a SQLite database; back up PostgreSQL with its own tools, \
             e.g. pg_dump --format=custom --file=hookrelay.dump <database URL>"
        );
    }
    if args.file.exists() {
        anyhow::bail!("{} exists already; choose a new file name", args.file.display());
    }
    if args.storage.database_url.is_none() && !args.storage.data_dir.join("hookrelay.db").is_file() {
        anyhow::bail!("there is no database in {} (see --data-dir)", args.storage.data_dir.display());
    }
    let partial = args.file.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let url = args.storage.database_url();
    let store = args.storage.connect().await?;
    let target = partial.to_str().context("the backup file name must be UTF-8")?;
    let copied = store.copy_into(target).await;
    store.close().await;
    copied.with_context(|| format!("cannot write the backup to {}", partial.display()))?;
    std::fs::rename(&partial, &args.file)
        .with_context(|| format!("cannot move the backup into place at {}", args.file.display()))?;
    let bytes = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or_default();
    eprintln!("Backed up {url} to {} ({bytes} bytes).", args.file.display());
    Ok(())
}
