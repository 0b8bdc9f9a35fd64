//! Any bytes as an indicator file of a project: loading, compiling
//! (expressions included) and rendering the diagnostics must not panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rubric::diagnostic::render_all;
use rubric::model::compile_project;
use std::path::PathBuf;
use std::sync::OnceLock;

fn project() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir").keep();
        for sub in ["indicators", "rules", "data"] {
            std::fs::create_dir_all(dir.join(sub)).expect("folder");
        }
        std::fs::write(
            dir.join("data/referrals.parquet"),
            include_bytes!("../../data/referrals.parquet"),
        )
        .expect("data");
        std::fs::write(
            dir.join("rules/standard.yaml"),
            include_str!("../../rules/standard.yaml"),
        )
        .expect("rules");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let root = project();
    std::fs::write(root.join("indicators/fuzz.yaml"), data).expect("write");
    if let Err(failure) = compile_project(root, &rubric::output::formats()) {
        let _ = render_all(&failure.problems, &failure.texts);
    }
});
