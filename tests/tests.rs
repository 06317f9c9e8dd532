//! Integration tests: the `zwgk` binary on fixtures, as a user runs it.

mod util;

mod audit;
mod browser;
mod catalogue;
mod cdp;
mod cli;
mod disclosure;
mod disclosure_year;
mod docx;
mod golden_sample;
mod handmade;
mod hostile_yaml;
mod input;
mod judged;
mod other_county;
mod output;
mod relevance;
mod report;
mod sample;
mod search;
mod serve;
mod server;
mod workbooks;
