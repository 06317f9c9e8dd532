//! zwgk keeps a county's grass-roots government-disclosure (政务公开) standard system as a
//! searchable catalogue and audits what its units published against it.
//!
//! ```no_run
//! use std::path::Path;
//! let catalogue = zwgk::catalogue::Catalogue::load(Path::new("standards")).unwrap();
//! let standard = catalogue.lookup("204").unwrap();
//! assert_eq!(standard.id, "ZWGK-204");
//! ```

pub mod audit;
pub mod calendar;
pub mod catalogue;
pub mod check;
pub mod cli;
pub mod data;
pub mod generate;
pub mod index;
pub mod locate;
pub mod output;
pub mod problem;
pub mod report;
pub mod results;
pub mod sample;
pub mod score;
pub mod search;
