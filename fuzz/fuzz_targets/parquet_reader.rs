//! Any bytes as a Parquet file: discovering it and reading every usable
//! column must give a table or an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rubric::source::{discover, read_columns};
use std::path::PathBuf;
use std::sync::OnceLock;

fn project() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir").keep();
        std::fs::create_dir_all(dir.join("data")).expect("folder");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let root = project();
    std::fs::write(root.join("data/t.parquet"), data).expect("write");
    let (sources, _problems) = discover(root);
    for source in sources.by_name.values() {
        let usable = source.usable_columns();
        let _ = read_columns(source, &usable);
    }
});
