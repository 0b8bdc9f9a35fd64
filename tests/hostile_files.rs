//! Files a project links to outside itself, special files and symlink
//! loops: refused before reading, with a message that shows no secret,
//! within the corpus's bounds (5 s of CPU, 1 GiB). Unix only (symlinks,
//! FIFOs): `tests/main.rs` builds it there alone.

use crate::common;
use common::*;
use std::os::unix::fs::symlink;
use std::path::Path;

const SECRET: &str = "RUBRIC_TEST_SECRET_TOKEN_5f2a";

/// `rubric check` with a secret in its environment; the output must not show it.
fn check_without_leaking(f: &Fixture) -> Output {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rubric"))
        .env("RUBRIC_TEST_SECRET", SECRET)
        .arg("--project")
        .arg(f.path())
        .arg("check")
        .output()
        .unwrap();
    let out = output_of(f.path(), out);
    assert!(
        !out.stderr.contains(SECRET) && !out.stdout.contains(SECRET),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    out
}

#[cfg(target_os = "linux")]
#[test]
fn a_calendar_linked_to_the_environment_is_refused_unread() {
    let f = referrals_project();
    symlink("/proc/self/environ", f.path().join("calendars.yaml")).unwrap();
    f.file("rubric.yaml", "calendar: calendars.yaml\n");
    let out = check_without_leaking(&f);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("leads outside the project folder"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_indicator_file_linked_to_a_secret_is_refused_unread() {
    let f = referrals_project();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.yaml");
    std::fs::write(&secret, format!("indicators: {SECRET}\n")).unwrap();
    symlink(&secret, f.path().join("indicators/linked.yaml")).unwrap();
    let out = check_without_leaking(&f);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("indicators/linked.yaml"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("leads outside the project folder"),
        "{}",
        out.stderr
    );
}

#[test]
fn special_files_are_refused_before_reading() {
    let f = referrals_project();
    // A link to an endless device inside the project's reach, and a FIFO
    // no one writes to: reading either would never end.
    symlink("/dev/zero", f.path().join("indicators/zero.yaml")).unwrap();
    let fifo = f.path().join("indicators/pipe.yaml");
    let name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo reads a valid C string.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
    let out = rubric_bounded(f.path(), &["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("indicators/pipe.yaml"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);
    assert!(
        out.stderr.contains("indicators/zero.yaml"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_symlink_loop_in_data_is_one_clear_error() {
    let f = referrals_project();
    std::fs::create_dir_all(f.path().join("data/extracts")).unwrap();
    symlink(Path::new(".."), f.path().join("data/extracts/again")).unwrap();
    symlink("self.parquet", f.path().join("data/self.parquet")).unwrap();
    let out = rubric_bounded(f.path(), &["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stderr.matches("symlink loop").count(),
        1,
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("data/self.parquet"), "{}", out.stderr);
    assert!(
        out.stderr.contains("leads round in a loop"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_data_file_linked_outside_the_project_is_refused() {
    let f = referrals_project();
    let outside = tempfile::tempdir().unwrap();
    std::fs::copy(
        f.path().join("data/referrals.parquet"),
        outside.path().join("elsewhere.parquet"),
    )
    .unwrap();
    symlink(
        outside.path().join("elsewhere.parquet"),
        f.path().join("data/elsewhere.parquet"),
    )
    .unwrap();
    let out = rubric_bounded(f.path(), &["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("data/elsewhere.parquet"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("leads outside the project folder"),
        "{}",
        out.stderr
    );
}

#[test]
fn regression_a_snapshot_file_or_manifest_that_is_a_device_or_a_fifo_is_refused_unread() {
    let f = referrals_project();
    let snap = f.path().join("snap");
    let out = rubric_bounded(f.path(), &["snapshot", "--out", snap.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let data = std::fs::read_dir(&snap)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "parquet"))
        .expect("a source's file");
    let run = || rubric_bounded(f.path(), &["run", "--data", snap.to_str().unwrap()]);
    // A source's file that is a link to an endless device: refused before
    // it is hashed (it was read to 4.2 GB).
    std::fs::remove_file(&data).unwrap();
    symlink("/dev/zero", &data).unwrap();
    let out = run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("leads outside"), "{}", out.stderr);
    assert!(out.stderr.contains("/dev/zero"), "{}", out.stderr);
    // A FIFO no one writes to: refused, not waited on.
    std::fs::remove_file(&data).unwrap();
    let name = std::ffi::CString::new(data.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo reads a valid C string.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
    let out = run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);
    // The manifest likewise.
    let manifest = snap.join("manifest.json");
    std::fs::remove_file(&manifest).unwrap();
    symlink("/dev/zero", &manifest).unwrap();
    let out = run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("manifest.json: it leads outside"),
        "{}",
        out.stderr
    );
}

#[test]
fn regression_a_folder_link_out_of_the_project_is_one_error_not_a_walk_of_the_machine() {
    let f = referrals_project();
    // data/root -> / made `check` name every .parquet file on the machine.
    symlink("/", f.path().join("data/root")).unwrap();
    let out = rubric_bounded(f.path(), &["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("this folder link leads outside the project folder, to /"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.matches("error:").count(), 1, "{}", out.stderr);
}

#[test]
fn regression_a_settings_file_that_is_a_folder_a_fifo_or_a_dangling_link_is_refused() {
    let settings = |f: &Fixture| f.path().join("rubric.yaml");
    let f = referrals_project();
    std::fs::create_dir(settings(&f)).unwrap();
    let out = rubric_bounded(f.path(), &["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("rubric.yaml"), "{}", out.stderr);
    assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);

    let f = referrals_project();
    let name = std::ffi::CString::new(settings(&f).to_str().unwrap()).unwrap();
    // SAFETY: mkfifo reads a valid C string.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
    let out = rubric_bounded(f.path(), &["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);

    let f = referrals_project();
    symlink(f.path().join("gone.yaml"), settings(&f)).unwrap();
    let out = rubric_bounded(f.path(), &["check"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("rubric.yaml"), "{}", out.stderr);
}
