//! The benchmark's floor: a process that does the bare projected read of
//! every column a run needs (sources in parallel, text dictionary-encoded,
//! as `rubric run` reads them) and nothing else: it starts, compiles the
//! project, reads, and exits, so it is timed as a whole like `rubric run`.
//!
//!     cargo run --release --example read_floor -- PROJECT

fn main() -> std::process::ExitCode {
    let Some(project) = std::env::args().nth(1) else {
        eprintln!("usage: read_floor PROJECT");
        return std::process::ExitCode::from(2);
    };
    let p = match rubric::model::compile_project(
        std::path::Path::new(&project),
        &rubric::output::formats(),
    ) {
        Ok(p) => p,
        Err(f) => {
            eprintln!(
                "the project does not compile: {} problems",
                f.problems.len()
            );
            return std::process::ExitCode::from(1);
        }
    };
    match rubric::measure::tables::read_tables(&p) {
        Ok(tables) => {
            let rows: usize = tables
                .by_source
                .values()
                .flat_map(|t| &t.batches)
                .map(|b| b.num_rows())
                .sum();
            println!("{rows} rows read from {} sources", tables.by_source.len());
            std::process::ExitCode::SUCCESS
        }
        Err(d) => {
            eprintln!("error: {}", d.message);
            std::process::ExitCode::from(3)
        }
    }
}
