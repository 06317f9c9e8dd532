//! `zwgk disclosure-report`: write the year's statutory annual reports, or check a
//! published one against the records.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use super::DisclosureArgs;
use crate::disclosure::format::{CARRIED_IN, CARRIED_OUT, NEW, TOTAL};
use crate::disclosure::inputs::{gather, Sources};
use crate::disclosure::{build, compare, render, Report, Scope};
use crate::output;
use crate::report::Renderer;

pub(super) fn disclosure_command(args: DisclosureArgs) -> Result<ExitCode> {
    let sources = Sources {
        audits: args.audits.clone(),
        year: args.year,
        standards: args.standards,
        open_cases: args.open_cases,
        documents: args.documents,
        statistics: args.statistics,
    };
    let scope = match (&args.unit, args.all) {
        (Some(id), _) => Scope::Unit(id.clone()),
        (None, true) => Scope::All,
        (None, false) => Scope::City,
    };
    let renderer = Renderer::new(args.templates.as_deref())?;
    let inputs = gather(&sources)?;
    let reports = build(&inputs, &scope)?;
    let mut stdout = std::io::stdout().lock();
    if let Some(published) = &args.check {
        return check(&reports[0], published, &mut stdout);
    }
    let out = args
        .out
        .unwrap_or_else(|| args.audits.join(format!("{}-disclosure", args.year)));
    let files = render(&reports, args.format, &renderer)?;
    let written = output::claim(&out)?.publish(&files, |_| true)?;
    for report in &reports {
        writeln!(stdout, "{}", summary(report))?;
    }
    for path in written {
        writeln!(stdout, "{}", path.display())?;
    }
    let failed = reports.iter().any(|r| !r.checks.failed.is_empty());
    Ok(if failed {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

/// One line per report: its totals and its checks.
fn summary(report: &Report) -> String {
    let figure = |table: &str, row: &str, column: &str| -> i64 {
        report
            .tables()
            .find(|t| t.key == table)
            .and_then(|t| Some(t.rows[t.row_at(row)?].cells[t.column_at(column)?]))
            .and_then(|c| c.value())
            .unwrap_or(0.0) as i64
    };
    let failed = &report.checks.failed;
    format!(
        "{}：新收申请{}件，上年结转{}件，结转下年度{}件；行政复议{}起，行政诉讼{}起；勾稽关系校验{}项，{}",
        report.title,
        figure("三", NEW, TOTAL),
        figure("三", CARRIED_IN, TOTAL),
        figure("三", CARRIED_OUT, TOTAL),
        figure("四", "件数", "行政复议/总计"),
        figure("四", "件数", "行政诉讼/未经复议直接起诉/总计")
            + figure("四", "件数", "行政诉讼/复议后起诉/总计"),
        report.checks.rules,
        if failed.is_empty() {
            "全部通过".to_string()
        } else {
            format!("{}项不符", failed.len())
        }
    )
}

fn check(report: &Report, published: &std::path::Path, out: &mut impl Write) -> Result<ExitCode> {
    let compared = compare(report, published)?;
    writeln!(
        out,
        "{}：核对 {} 与台账，{}个单元格",
        report.title,
        published.display(),
        compared.cells
    )?;
    for difference in &compared.differences {
        writeln!(out, "不一致：{difference}")?;
    }
    for failed in &compared.published.failed {
        writeln!(
            out,
            "勾稽关系不符：{} · {} · {}：{}",
            failed.table, failed.row, failed.column, failed.message
        )?;
    }
    let clean = compared.differences.is_empty() && compared.published.failed.is_empty();
    writeln!(
        out,
        "{}",
        if clean {
            "所报数字与台账一致，勾稽关系全部通过".to_string()
        } else {
            format!(
                "{}处与台账不一致，{}处勾稽关系不符",
                compared.differences.len(),
                compared.published.failed.len()
            )
        }
    )?;
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
