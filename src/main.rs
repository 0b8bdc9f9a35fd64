fn main() -> std::process::ExitCode {
    rubric::cli::main()
}
