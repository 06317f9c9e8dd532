use std::process::ExitCode;

fn main() -> ExitCode {
    match zwgk::cli::run() {
        Ok(code) => code,
        // Output piped into `head` and closed early is not a failure.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(exit_code(&err))
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The library's error says which; anything else the command line refused is bad usage.
fn exit_code(err: &anyhow::Error) -> u8 {
    err.chain()
        .find_map(|cause| cause.downcast_ref::<zwgk::error::Error>())
        .map_or(zwgk::cli::EXIT_BAD_INPUT, zwgk::error::Error::exit_code)
}
