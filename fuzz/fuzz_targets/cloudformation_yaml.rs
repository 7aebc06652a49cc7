#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| ecsaudit::fuzzing::cloudformation_yaml(data));
