//! A criterion measurement that counts the benchmark thread's own CPU time instead of wall-clock
//! time, for busy machines: time the thread spends preempted by other processes is not counted
//! (cache, memory-bandwidth and SMT-sibling interference still are). Linux only:
//! `clock_gettime(CLOCK_THREAD_CPUTIME_ID)` through rustix (no `unsafe` here), a system call
//! of well under a microsecond, made twice per criterion sample.
//!
//! Selected with `TRUSTPATH_BENCH_CLOCK=cpu`; the default stays wall-clock time.

use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};

/// The environment variable that selects the clock.
pub const CLOCK_VAR: &str = "TRUSTPATH_BENCH_CLOCK";

/// Whether `TRUSTPATH_BENCH_CLOCK=cpu` asks for thread CPU time.
pub fn requested() -> bool {
    std::env::var(CLOCK_VAR).is_ok_and(|v| v.eq_ignore_ascii_case("cpu"))
}

/// CPU time of the calling thread, in nanoseconds.
fn now() -> u64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    let secs = u64::try_from(t.tv_sec).unwrap_or(0);
    let nanos = u64::try_from(t.tv_nsec).unwrap_or(0);
    secs * 1_000_000_000 + nanos
}

/// Thread CPU time, reported like wall-clock time (the same units and formatting).
pub struct ThreadCpuTime;

static WALL: WallTime = WallTime;

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = Duration;

    fn start(&self) -> u64 {
        now()
    }

    fn end(&self, start: u64) -> Duration {
        Duration::from_nanos(now().saturating_sub(start))
    }

    fn add(&self, v1: &Duration, v2: &Duration) -> Duration {
        *v1 + *v2
    }

    fn zero(&self) -> Duration {
        Duration::ZERO
    }

    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter()
    }
}
