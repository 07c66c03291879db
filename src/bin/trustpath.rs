//! The `trustpath` command-line tool (work in progress).

fn main() {
    eprintln!("trustpath: no command yet");
    std::process::exit(2);
}
