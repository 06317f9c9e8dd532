use std::process::ExitCode;

fn main() -> ExitCode {
    match zwgk::cli::run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(zwgk::cli::EXIT_BAD_INPUT)
        }
    }
}
