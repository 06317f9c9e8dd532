//! The catalogue commands (`catalogue check | list | show`), `search` and `index`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use super::style::{pad, Style};
use super::{ListFormat, SearchArgs, TextFormat, EXIT_BAD_INPUT};
use crate::catalogue::{Catalogue, Clause, Requirement, Standard, Status};
use crate::index::{row_text, CatalogueIndex, Freshness};
use crate::problem::Problems;
use crate::search::{MatchMode, SearchRequest, SearchResults};

pub(super) fn load(dir: &Path) -> Result<Catalogue> {
    Catalogue::load(dir).map_err(|problems| problems_error(dir, &problems))
}

fn problems_error(dir: &Path, problems: &Problems) -> anyhow::Error {
    anyhow::anyhow!(
        "{problems}\n标准目录 {} 中有 {} 个问题；改正后运行 zwgk catalogue check 复查",
        dir.display(),
        problems.len()
    )
}

pub(super) fn catalogue_check(dir: &Path) -> Result<ExitCode> {
    match Catalogue::load(dir) {
        Ok(catalogue) => {
            let requirements: usize = catalogue
                .standards
                .iter()
                .map(|s| s.requirements.len())
                .sum();
            let rows: usize = catalogue.standards.iter().map(|s| s.items.len()).sum();
            let (first, last) = catalogue.calendar.years();
            writeln!(
                std::io::stdout(),
                "{} {}：标准 {} 项、条款 {} 条、目录事项 {} 项、考核要求 {} 项；工作日历 {first}–{last} 年：没有问题",
                catalogue.meta.name,
                catalogue.meta.version,
                catalogue.standards.len(),
                catalogue.standards.iter().map(|s| s.clauses.len()).sum::<usize>(),
                rows,
                requirements,
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            for problem in problems.iter() {
                writeln!(std::io::stdout(), "{problem}")?;
            }
            eprintln!("{} 中有 {} 个问题", dir.display(), problems.len());
            Ok(ExitCode::from(EXIT_BAD_INPUT))
        }
    }
}

fn selected<'a>(
    catalogue: &'a Catalogue,
    subsystem: Option<&str>,
    status: Option<&str>,
) -> Result<Vec<&'a Standard>> {
    if let Some(name) = subsystem {
        if catalogue.subsystem(name).is_none() {
            let names: Vec<&str> = catalogue
                .meta
                .subsystems
                .iter()
                .map(|s| s.name.as_str())
                .collect();
            bail!("没有子体系 {name}；目录中的子体系有 {}", names.join("、"));
        }
    }
    let status = match status {
        None => None,
        Some(label) => Some(
            Status::from_label(label)
                .with_context(|| format!("没有状态 {label}；请用 现行、即将实施 或 废止"))?,
        ),
    };
    Ok(catalogue
        .standards
        .iter()
        .filter(|s| subsystem.is_none_or(|name| s.subsystem == name))
        .filter(|s| status.is_none_or(|st| s.status == st))
        .collect())
}

pub(super) fn catalogue_list(
    catalogue: &Catalogue,
    subsystem: Option<&str>,
    status: Option<&str>,
    format: ListFormat,
) -> Result<ExitCode> {
    let standards = selected(catalogue, subsystem, status)?;
    let mut out = std::io::stdout().lock();
    match format {
        ListFormat::Json => {
            let rows: Vec<_> = standards
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "id": s.id, "number": s.number, "title": s.title, "subsystem": s.subsystem,
                        "status": s.status, "issued": s.issued, "effective": s.effective,
                        "clauses": s.clauses.len(), "rows": s.items.len(), "requirements": s.requirements.len(),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        }
        ListFormat::Table => {
            writeln!(
                out,
                "{} {} {} {} {} {} {}  标准名称",
                pad("编号", 10),
                pad("标准号", 18),
                pad("子体系", 10),
                pad("状态", 8),
                pad("条款", 4),
                pad("目录", 4),
                pad("要求", 4),
            )?;
            for s in &standards {
                writeln!(
                    out,
                    "{:<10} {:<18} {} {} {:>4} {:>4} {:>4}  {}",
                    s.id,
                    s.number,
                    pad(&s.subsystem, 10),
                    pad(s.status.label(), 8),
                    s.clauses.len(),
                    s.items.len(),
                    s.requirements.len(),
                    s.title
                )?;
            }
            writeln!(out, "共 {} 项标准", standards.len())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn catalogue_show(
    catalogue: &Catalogue,
    id: &str,
    format: TextFormat,
) -> Result<ExitCode> {
    let Some(s) = catalogue.lookup(id) else {
        bail!(
            "{} 中没有标准 {id}；运行 zwgk catalogue list 查看全部标准",
            catalogue.dir.display()
        );
    };
    let mut out = std::io::stdout().lock();
    if let TextFormat::Json = format {
        serde_json::to_writer_pretty(&mut out, s)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let style = Style::detect();
    writeln!(out, "{}", style.bold(&format!("{}  {}", s.number, s.title)))?;
    writeln!(
        out,
        "{} · {} · {} · 发布 {} · 实施 {}",
        s.id,
        s.subsystem,
        s.status.label(),
        s.issued,
        s.effective
    )?;
    if !s.supersedes.is_empty() {
        writeln!(out, "代替：{}", s.supersedes.join("、"))?;
    }
    if let Some(previous) = s.editions.last() {
        writeln!(out, "代替版本：{}", previous.number)?;
    }
    writeln!(out, "关键词：{}", s.keywords.join("、"))?;
    writeln!(out, "\n{}\n{}", style.bold("1 范围"), s.scope.trim())?;
    if !s.references.is_empty() {
        writeln!(out, "\n{}", style.bold("2 规范性引用文件"))?;
        for r in &s.references {
            writeln!(out, "  {r}")?;
        }
    }
    writeln!(out)?;
    write_clauses(&mut out, &style, &s.clauses)?;
    if !s.items.is_empty() {
        writeln!(out, "{}", style.bold("公开事项标准目录"))?;
        for item in &s.items {
            writeln!(
                out,
                "  [{}] {}\n      {}",
                item.code,
                item.name(),
                row_text(item)
            )?;
        }
        writeln!(out)?;
    }
    let current: Vec<&Requirement> = s
        .requirements
        .iter()
        .filter(|r| r.edition.is_none())
        .collect();
    if !current.is_empty() {
        writeln!(out, "{}", style.bold("考核要求"))?;
        write_requirements(&mut out, s, &current)?;
    }
    for (e, edition) in s.editions.iter().enumerate() {
        let until = s
            .edition_window(e)
            .to
            .map(|d| d.to_string())
            .unwrap_or_default();
        writeln!(
            out,
            "\n{}\n发布 {} · 实施 {} · 废止 {}（由下一版本代替）\n",
            style.bold(&format!("历次版本：{}（废止）", edition.number)),
            edition.issued,
            edition.effective,
            until
        )?;
        write_clauses(&mut out, &style, &edition.clauses)?;
        let own: Vec<&Requirement> = s
            .requirements
            .iter()
            .filter(|r| r.edition.as_deref() == Some(edition.number.as_str()))
            .collect();
        if !own.is_empty() {
            writeln!(out, "{}", style.bold("考核要求"))?;
            write_requirements(&mut out, s, &own)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn write_clauses(out: &mut impl Write, style: &Style, clauses: &[Clause]) -> Result<()> {
    for clause in clauses {
        writeln!(
            out,
            "{}\n{}\n",
            style.bold(&format!("{} {}", clause.no, clause.title)),
            clause.text.trim()
        )?;
    }
    Ok(())
}

fn write_requirements(
    out: &mut impl Write,
    s: &Standard,
    requirements: &[&Requirement],
) -> Result<()> {
    for r in requirements {
        let mut line = format!(
            "  {}/{}  {}  (条款 {} · {} · 权重 {}",
            s.id,
            r.id,
            r.title,
            r.clause,
            r.check().name(),
            r.weight
        );
        if let Some(w) = &r.in_force {
            line.push_str(&format!(
                " · 有效 {}–{}",
                w.from.map(|d| d.to_string()).unwrap_or_default(),
                w.to.map(|d| d.to_string()).unwrap_or_default()
            ));
        }
        if r.veto {
            line.push_str(" · 单项否决");
        }
        if let Some(n) = r.veto_at {
            line.push_str(&format!(" · {n}项不合格即否决"));
        }
        writeln!(out, "{line})")?;
    }
    Ok(())
}

fn search(
    dir: &Path,
    cache: &Path,
    request: &SearchRequest,
    format: TextFormat,
) -> Result<ExitCode> {
    if let Some(label) = &request.status {
        if Status::from_label(label).is_none() {
            bail!("没有状态 {label}；请用 现行、即将实施 或 废止");
        }
    }
    let (index, freshness) = CatalogueIndex::open(dir, cache)?;
    match freshness {
        Freshness::Reused => {}
        Freshness::Rebuilt => eprintln!(
            "已重建搜索索引：{} 个文档，在 {}",
            index.documents,
            index.dir.display()
        ),
        Freshness::Repaired => eprintln!(
            "搜索索引缓存已损坏，已重新建立：{}（{} 个文档）",
            index.dir.display(),
            index.documents
        ),
        Freshness::InMemory => eprintln!(
            "无法写入搜索索引缓存 {}：本次在内存中建立索引（{} 个文档）",
            cache.display(),
            index.documents
        ),
    }
    let results = index.search(request)?;
    let mut out = std::io::stdout().lock();
    match format {
        TextFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &results)?;
            writeln!(out)?;
        }
        TextFormat::Text => print_results(&mut out, &results, Style::detect())?,
    }
    Ok(ExitCode::SUCCESS)
}

fn print_results(out: &mut impl Write, results: &SearchResults, style: Style) -> Result<()> {
    if results.hits.is_empty() {
        writeln!(out, "没有找到与“{}”相关的标准条款。", results.query)?;
        return Ok(());
    }
    if matches!(results.mode, MatchMode::MostTerms | MatchMode::AnyTerm) {
        writeln!(out, "（没有同时包含全部词语的条款，以下为部分匹配）")?;
    }
    for (rank, hit) in results.hits.iter().enumerate() {
        let head = format!("{}. {}  {}", rank + 1, hit.id, hit.title);
        writeln!(
            out,
            "{}  ({} · {} · {})",
            style.bold(&head),
            hit.number,
            hit.subsystem,
            hit.status
        )?;
        for clause in &hit.clauses {
            let label = match (&clause.kind, &clause.edition) {
                (crate::index::DocKind::Row, _) => format!("目录 {}", clause.no),
                (_, Some(edition)) => format!("{}（{edition}，废止）", clause.no),
                _ => clause.no.clone(),
            };
            let text = style.highlight(&clause.fragment, &clause.highlighted);
            writeln!(
                out,
                "   {} {}：{}",
                label,
                clause.title,
                text.replace('\n', " ")
            )?;
        }
    }
    Ok(())
}

pub(super) fn rebuild_index(dir: &Path, cache: &Path) -> Result<ExitCode> {
    let started = Instant::now();
    let catalogue = load(dir)?;
    let index = CatalogueIndex::build(&catalogue, cache)?;
    writeln!(
        std::io::stdout(),
        "已为 {} 项标准建立索引，共 {} 个文档，用时 {:.0} 毫秒：{}",
        catalogue.standards.len(),
        index.documents,
        started.elapsed().as_secs_f64() * 1000.0,
        index.dir.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

pub(super) fn search_command(args: SearchArgs) -> Result<ExitCode> {
    let SearchArgs {
        query,
        subsystem,
        status,
        area,
        limit,
        format,
        catalogue,
        cache,
    } = args;
    let request = SearchRequest {
        query: query.join(" "),
        subsystem,
        status,
        area,
        limit,
    };
    search(&catalogue.standards, &cache.dir(), &request, format)
}
