use std::process::ExitCode;

fn main() -> ExitCode {
    fix_mmap_threshold();
    match zwgk::cli::run() {
        Ok(code) => code,
        // Output piped into `head` and closed early is not a failure.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("错误：{}", message(&err));
            ExitCode::from(exit_code(&err))
        }
    }
}

/// glibc raises its mmap threshold each time a large block is freed, after which the
/// load's large buffers come from the heap and stay there: peak RSS at scale 100 varied
/// by 30 MB from run to run. A fixed threshold keeps them mapped and returned when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fix_mmap_threshold() {
    // SAFETY: mallopt only sets an allocator parameter; no other thread runs yet.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fix_mmap_threshold() {}

/// The error and its causes, joined. The library's errors already say their OS reason
/// in Chinese, so the chain stops there; a bare io error gets the same Chinese reason.
fn message(err: &anyhow::Error) -> String {
    let mut parts = Vec::new();
    for cause in err.chain() {
        match cause.downcast_ref::<std::io::Error>() {
            Some(io) => parts.push(zwgk::error::io_reason(io)),
            None => parts.push(cause.to_string()),
        }
        if cause.is::<zwgk::error::Error>() {
            break;
        }
    }
    parts.join("：")
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    let broken = Some(std::io::ErrorKind::BrokenPipe);
    err.chain().any(|cause| {
        // serde_json keeps the io error inside, not as the error's source.
        cause.downcast_ref::<std::io::Error>().map(|io| io.kind()) == broken
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == broken
    })
}

/// The library's error says which; anything else the command line refused is bad usage.
fn exit_code(err: &anyhow::Error) -> u8 {
    err.chain()
        .find_map(|cause| cause.downcast_ref::<zwgk::error::Error>())
        .map_or(zwgk::cli::EXIT_BAD_INPUT, zwgk::error::Error::exit_code)
}
