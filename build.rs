// The server embeds the front end that cargo-leptos writes to target/site (see src/http/assets.rs).
// Watching the folder makes any change there, including a new file, recompile the embedding.
fn main() {
    println!("cargo:rerun-if-changed=target/site");
    println!("cargo:rerun-if-changed=migrations");
}
