//! The benchmark's floor: the bare projected read of every column a run
//! needs (sources in parallel, text dictionary-encoded), as `rubric run`
//! reads them, with nothing computed. Prints the seconds of each of RUNS
//! reads, one per line.
//!
//!     cargo run --release --example read_floor -- PROJECT [RUNS]

use std::time::Instant;

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(project) = args.next() else {
        eprintln!("usage: read_floor PROJECT [RUNS]");
        return std::process::ExitCode::from(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let p = match rubric::model::compile_project(std::path::Path::new(&project)) {
        Ok(p) => p,
        Err(f) => {
            eprintln!(
                "the project does not compile: {} problems",
                f.problems.len()
            );
            return std::process::ExitCode::from(1);
        }
    };
    for _ in 0..runs {
        let start = Instant::now();
        match rubric::measure::scan::read_tables(&p) {
            Ok(tables) => {
                let took = start.elapsed().as_secs_f64();
                drop(tables);
                println!("{took:.6}");
            }
            Err(d) => {
                eprintln!("error: {}", d.message);
                return std::process::ExitCode::from(3);
            }
        }
    }
    std::process::ExitCode::SUCCESS
}
