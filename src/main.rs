fn main() {
    std::process::exit(ecsaudit::cli::main());
}
