//! Gives `rubric --version` the commit the binary was built from: the
//! `RUBRIC_COMMIT` variable where set (a release build from an archive),
//! else git's HEAD, else "unknown" (a machine without git still builds).
//! Only the commit is tracked, so a build reruns this when HEAD moves, not
//! when a file changes.

use std::process::Command;

/// The package's folder, as cargo gives it when it runs this script: read
/// at run time, since one compiled build script may serve two checkouts
/// sharing a target folder (`env!` would name the first one's).
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(Into::into)
        .unwrap_or_default()
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(manifest_dir())
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
}

fn main() {
    println!("cargo:rerun-if-env-changed=RUBRIC_COMMIT");
    let given = std::env::var("RUBRIC_COMMIT")
        .ok()
        .filter(|c| !c.is_empty() && c.chars().all(|c| c.is_ascii_alphanumeric()));
    let commit = given.or_else(|| {
        let commit = git(&["rev-parse", "--short=12", "HEAD"])?;
        // HEAD names a branch whose ref file (or packed-refs) moves on commit.
        for name in ["HEAD", "packed-refs"] {
            if let Some(p) = git(&["rev-parse", "--git-path", name]) {
                track(&p);
            }
        }
        if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
            if let Some(p) = git(&["rev-parse", "--git-path", &branch]) {
                track(&p);
            }
        }
        Some(commit)
    });
    println!(
        "cargo:rustc-env=RUBRIC_COMMIT={}",
        commit.unwrap_or_else(|| "unknown".to_string())
    );
}

fn track(path: &str) {
    let path = manifest_dir().join(path);
    if path.exists() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}
