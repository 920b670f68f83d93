//! The data folder holds the database and the session signing key: it is created readable by
//! its owner only (0700), so that other users of the machine cannot read payloads or secrets.

use std::path::Path;

use anyhow::Context;

/// Creates `dir` (and missing parents) as 0700; an existing folder is left as it is.
pub fn create(dir: &Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).with_context(|| format!("cannot create the data folder {}", dir.display()))
}
