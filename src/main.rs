//! berth's entry point: parse the command line, dispatch, map the outcome to docker's exit codes.
//! Everything else lives in the library (`src/lib.rs`); this file only decides how the process ends.

fn main() {
    std::process::exit(berth::cli::main());
}
