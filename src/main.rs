fn main() {
    ecsaudit::quiet_library_backtraces();
    std::process::exit(ecsaudit::cli::main());
}
