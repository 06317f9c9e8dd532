//! The floor for reading an audit folder: the csv crate's bare parse of its tables, on one
//! thread, with nothing checked (`--utf8`: every field checked as UTF-8, as a `StringRecord`
//! does). The audit benchmark compares `zwgk audit` with this.
//!
//! Usage: cargo run --release --example csv_floor -- AUDIT_DIR [--utf8]

use std::path::{Path, PathBuf};
use std::time::Instant;

const TABLES: [&str; 5] = ["register", "items", "applications", "messages", "cases"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: csv_floor AUDIT_DIR [--utf8]")?);
    let utf8 = args.next().as_deref() == Some("--utf8");
    let started = Instant::now();
    let mut records = 0u64;
    for table in TABLES {
        let path = dir.join(format!("{table}.csv"));
        if path.exists() {
            records += count(&path, utf8)?;
        }
    }
    println!(
        "{records} records in {:.3} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Records of one file, read as bytes or as checked text.
fn count(path: &Path, utf8: bool) -> Result<u64, csv::Error> {
    let mut reader = csv::Reader::from_path(path)?;
    let mut records = 0;
    if utf8 {
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record)? {
            records += 1;
        }
    } else {
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record)? {
            records += 1;
        }
    }
    Ok(records)
}
