fn main() {
    // regorus' parser builds (and drops) an anyhow error per alternative it tries; with
    // RUST_BACKTRACE set, each would capture a backtrace (~30 ms per policy load). Library
    // error backtraces are never shown; panics still honour RUST_BACKTRACE. Set before any
    // thread starts.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
    std::process::exit(ecsaudit::cli::main());
}
