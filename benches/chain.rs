//! Benchmarks (filled in by the benches work).

fn main() {}
