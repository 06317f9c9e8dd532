//! zwgk keeps a county's grass-roots government-disclosure (政务公开) standard system as a
//! searchable catalogue and audits what its units published against it.
//!
//! ```no_run
//! use std::path::Path;
//! let catalogue = zwgk::catalogue::Catalogue::load(Path::new("standards")).unwrap();
//! let standard = catalogue.lookup("204").unwrap();
//! assert_eq!(standard.id, "ZWGK-204");
//! ```

#![warn(unreachable_pub)]

pub(crate) mod audit;
pub(crate) mod calendar;
pub mod catalogue;
pub(crate) mod check;
pub mod cli;
pub(crate) mod data;
pub(crate) mod disclosure;
pub mod error;
pub(crate) mod generate;
pub mod index;
pub(crate) mod locate;
pub(crate) mod output;
pub(crate) mod problem;
pub(crate) mod ranges;
pub(crate) mod reference;
pub(crate) mod report;
pub(crate) mod results;
pub(crate) mod sample;
pub(crate) mod score;
pub mod search;
pub(crate) mod serve;
pub(crate) mod yaml;
