//! Integration tests: the `zwgk` binary on fixtures, as a user runs it.

mod util;

mod audit;
mod catalogue;
mod relevance;
mod search;
