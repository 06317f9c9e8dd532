//! The statutory annual report (政府信息公开工作年度报告) of each unit and of the city,
//! computed from the year's records in the format of its year, with its consistency
//! checks — and the check of a published report against the records, cell by cell.

mod compare;
mod consistency;
mod count;
pub(crate) mod format;
pub(crate) mod inputs;
mod render;

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

pub(crate) use compare::compare;
pub(crate) use consistency::Checked;
pub(crate) use render::{render, Output};

use crate::data::{Narrative, OUTCOMES};
use crate::error::{Error, Result};
use crate::problem::Problems;
use format::{Cell, Format, Table, CARRIED_IN, CARRIED_OUT, NEW, RESULTS, RESULTS_TOTAL};
use inputs::YearInputs;

/// Whose reports to compute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scope {
    City,
    Unit(String),
    All,
}

/// One report: its sections (words and tables) and the result of its checks.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Report {
    pub year: i32,
    pub format: Format,
    pub format_name: &'static str,
    /// `None` for the city's report.
    pub unit: Option<String>,
    /// Who reports: 如皋市, 如皋市发改委.
    pub issuer: String,
    pub title: String,
    pub sections: Vec<Section>,
    pub checks: Checked,
    pub notes: Vec<String>,
    /// The quarters counted.
    pub quarters: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub tables: Vec<Table>,
}

impl Report {
    /// Every table, in the report's order.
    pub(crate) fn tables(&self) -> impl Iterator<Item = &Table> {
        self.sections.iter().flat_map(|s| &s.tables)
    }

    /// `全市` or the unit id: the report's file name.
    pub(crate) fn file_stem(&self) -> String {
        match &self.unit {
            Some(id) => id.clone(),
            None => "全市".into(),
        }
    }
}

/// The reports of `scope`; the city's cells are checked against the sum of every unit's.
pub(crate) fn build(inputs: &YearInputs, scope: &Scope) -> Result<Vec<Report>> {
    if let Scope::Unit(id) = scope {
        if !inputs.units.iter().any(|u| &u.id == id) {
            return Err(Error::Invalid(format!("units.yaml 中没有单位 {id}")));
        }
    }
    let mut problems = Vec::new();
    let units: Vec<Report> = inputs
        .units
        .iter()
        .map(|unit| report(inputs, Some(unit.id.as_str()), &mut problems))
        .collect();
    let mut city = report(inputs, None, &mut problems);
    if !problems.is_empty() {
        let mut all = Problems::default();
        for problem in problems {
            all.push(problem);
        }
        return Err(Error::Input(all));
    }
    let unit_tables: Vec<Vec<Table>> = units
        .iter()
        .map(|r| r.tables().cloned().collect())
        .collect();
    let slices: Vec<&[Table]> = unit_tables.iter().map(Vec::as_slice).collect();
    let city_tables: Vec<Table> = city.tables().cloned().collect();
    let sums = consistency::city_sums(&city_tables, &slices);
    city.checks.rules += sums.rules;
    city.checks.failed.extend(sums.failed);
    Ok(match scope {
        Scope::City => vec![city],
        Scope::Unit(id) => units
            .into_iter()
            .filter(|r| r.unit.as_ref() == Some(id))
            .collect(),
        Scope::All => std::iter::once(city).chain(units).collect(),
    })
}

/// One unit's report (`None`: the city's, over every unit).
fn report(
    inputs: &YearInputs,
    unit: Option<&str>,
    problems: &mut Vec<crate::problem::Problem>,
) -> Report {
    let format = Format::of(inputs.year);
    let members: HashSet<&str> = match unit {
        Some(id) => HashSet::from([id]),
        None => inputs.units.iter().map(|u| u.id.as_str()).collect(),
    };
    let issuer = issuer(inputs, unit);
    let narrative = narrative(inputs, unit);
    let three = count::applications(inputs, &members, format, problems);
    let four = count::cases(inputs, &members);
    let two = count::proactive(inputs, &members, format);
    let sections = match format {
        Format::Free => free_sections(
            inputs,
            &members,
            unit.is_none(),
            &narrative,
            two,
            three,
            four,
        ),
        _ => national_sections(inputs, &issuer, &narrative, two, three, four),
    };
    let tables: Vec<Table> = sections.iter().flat_map(|s| s.tables.clone()).collect();
    let mut notes = inputs.notes.clone();
    if tables.iter().any(|t| t.reported) {
        notes.push(format!(
            "第二部分中行政许可、处罚、强制、收费等数字为各单位在 {}-statistics.yaml 中填报的数字，未经台账核对",
            inputs.year
        ));
    }
    Report {
        year: inputs.year,
        format,
        format_name: format.describe(),
        unit: unit.map(str::to_string),
        title: format!("{}年{issuer}政府信息公开工作年度报告", inputs.year),
        issuer,
        sections,
        checks: consistency::check(&tables),
        notes,
        quarters: inputs.quarters.clone(),
    }
}

/// 如皋市 for the city; a unit's name with the city's in front (市发改委 → 如皋市发改委).
fn issuer(inputs: &YearInputs, unit: Option<&str>) -> String {
    let Some(id) = unit else {
        return inputs.jurisdiction.clone();
    };
    let name = inputs
        .units
        .iter()
        .find(|u| u.id == id)
        .map_or(id, |u| u.name.as_str());
    match name.strip_prefix('市') {
        Some(rest) => format!("{}{rest}", inputs.jurisdiction),
        None if name.starts_with(&inputs.jurisdiction) => name.to_string(),
        None => format!("{}{name}", inputs.jurisdiction),
    }
}

fn narrative(inputs: &YearInputs, unit: Option<&str>) -> Narrative {
    let Some(statistics) = &inputs.statistics else {
        return Narrative::default();
    };
    match unit {
        None => statistics.city.clone(),
        Some(id) => statistics
            .units
            .get(id)
            .map(|s| s.narrative())
            .unwrap_or_default(),
    }
}

fn paragraphs(text: &Option<String>, fallback: &str) -> Vec<String> {
    match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        None => vec![fallback.to_string()],
    }
}

const NOT_REPORTED: &str = "（未填报）";

fn cell(table: &Table, row: &str, column: usize) -> i64 {
    table
        .row_at(row)
        .and_then(|r| table.rows[r].cells.get(column).copied())
        .and_then(Cell::value)
        .unwrap_or(0.0) as i64
}

fn section(heading: &str, paragraphs: Vec<String>, tables: Vec<Table>) -> Section {
    Section {
        heading: heading.into(),
        paragraphs,
        tables,
    }
}

fn national_sections(
    inputs: &YearInputs,
    issuer: &str,
    narrative: &Narrative,
    two: Vec<Table>,
    three: Table,
    four: Table,
) -> Vec<Section> {
    let year = inputs.year;
    let overview = format!(
        "本报告根据《中华人民共和国政府信息公开条例》第五十条的规定编制，由{issuer}政府信息公开工作年度统计数据和工作情况组成。报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
    );
    let mut first = vec![overview];
    first.extend(paragraphs(&narrative.overview, NOT_REPORTED));
    vec![
        section("一、总体情况", first, Vec::new()),
        section("二、主动公开政府信息情况", Vec::new(), two),
        section(
            "三、收到和处理政府信息公开申请情况",
            Vec::new(),
            vec![three],
        ),
        section(
            "四、政府信息公开行政复议、行政诉讼情况",
            Vec::new(),
            vec![four],
        ),
        section(
            "五、存在的主要问题及改进情况",
            paragraphs(&narrative.problems, NOT_REPORTED),
            Vec::new(),
        ),
        section(
            "六、其他需要报告的事项",
            paragraphs(&narrative.other, "无。"),
            Vec::new(),
        ),
    ]
}

/// The 2018 layout: words with the figures in them, as the city's own report wrote them,
/// and the tables the figures come from.
fn free_sections(
    inputs: &YearInputs,
    members: &HashSet<&str>,
    city: bool,
    narrative: &Narrative,
    two: Vec<Table>,
    three: Table,
    four: Table,
) -> Vec<Section> {
    let year = inputs.year;
    let (channels, areas, interpretations, publishers) = published(inputs, members);
    let total = column_sum(&channels);
    // Who the figures are about, as the sentences name them.
    let whole = if city { "全市" } else { "本单位" };
    let who = if city {
        format!("全市{publishers}家单位")
    } else {
        "本单位".to_string()
    };
    let channel_names: Vec<&str> = channels.rows.iter().map(|r| r.labels[0].as_str()).collect();
    let mut quantity = vec![format!(
        "{who}通过{}等渠道和方式公开各类政府信息{total}条。",
        channel_names.join("、")
    )];
    let documents = &two[0];
    if inputs.documents.is_some() {
        let issued = cell(documents, "规范性文件", 0);
        let published = cell(documents, "规范性文件", 1);
        quantity.push(if issued == published {
            format!("{whole}共制发{issued}个规范性文件，均予以公开。")
        } else {
            format!("{whole}共制发{issued}个规范性文件，本年公开{published}个。")
        });
    }
    let area_total = column_sum(&areas);
    let key_areas = format!("在重点领域公开信息{area_total}条，分领域见下表。");
    let interpretation = format!("全年发布政策解读{interpretations}条。");

    let new = cell(&three, NEW, 6);
    let carried = cell(&three, CARRIED_IN, 6);
    let by_major: Vec<i64> = (0..OUTCOMES.len())
        .map(|major| {
            let heading = format::outcome_heading(major);
            three
                .rows
                .iter()
                .filter(|r| r.labels.get(1) == Some(&heading))
                .filter_map(|r| r.cells[6].value())
                .sum::<f64>() as i64
        })
        .collect();
    let majors: Vec<String> = by_major
        .iter()
        .zip(OUTCOMES)
        .map(|(n, (name, _))| format!("{name}{n}件"))
        .collect();
    let done = cell(&three, &format!("{RESULTS}/{RESULTS_TOTAL}"), 6);
    let open = cell(&three, CARRIED_OUT, 6);
    let applications = format!(
        "{year}年，{}共收到政府信息公开申请{new}件，上年结转{carried}件；办结{done}件，其中{}；结转下年度继续办理{open}件。其中，不予公开政府信息{}件。",
        if city { "全市各级行政机关" } else { "本单位" },
        majors.join("、"),
        by_major[2]
    );
    let reviews = cell_at(&four, 4);
    let direct = cell_at(&four, 9);
    let after = cell_at(&four, 14);
    let pending = cell_at(&four, 3) + cell_at(&four, 8) + cell_at(&four, 13);
    let disputes = format!(
        "{year}年，{}共发生政府信息公开方面的行政复议案件{reviews}起、行政诉讼案件{}起（未经复议直接起诉{direct}起，复议后起诉{after}起）；至年底尚未审结{pending}起。",
        whole,
        direct + after
    );
    let mut three = three;
    three.caption = "依申请公开政府信息办理情况".into();
    let mut four = four;
    four.caption = "因政府信息公开申请行政复议、提起行政诉讼情况".into();
    let mut proactive_tables = vec![channels, areas];
    if inputs.documents.is_some() {
        let mut documents = two.into_iter().next().expect("section 二（一）");
        documents.caption = "规章和规范性文件".into();
        proactive_tables.push(documents);
    }
    let mut proactive = quantity;
    proactive.push(key_areas);
    proactive.push(interpretation);
    vec![
        section(
            "一、概述",
            paragraphs(&narrative.overview, NOT_REPORTED),
            Vec::new(),
        ),
        section("二、主动公开政府信息情况", proactive, proactive_tables),
        section(
            "三、依申请公开政府信息办理情况和不予公开政府信息情况",
            vec![applications],
            vec![three],
        ),
        section(
            "四、因政府信息公开申请行政复议、提起行政诉讼的情况",
            vec![disputes],
            vec![four],
        ),
        section(
            "五、政府信息公开工作存在的主要问题及下一步打算",
            paragraphs(&narrative.problems, NOT_REPORTED),
            Vec::new(),
        ),
    ]
}

fn column_sum(table: &Table) -> i64 {
    table
        .rows
        .iter()
        .filter_map(|r| r.cells[0].value())
        .sum::<f64>() as i64
}

fn cell_at(table: &Table, column: usize) -> i64 {
    table.rows[0].cells[column].value().unwrap_or(0.0) as i64
}

/// Items by channel and by area, interpretations and the number of units that published.
fn published(inputs: &YearInputs, members: &HashSet<&str>) -> (Table, Table, i64, usize) {
    let mut channels = BTreeMap::<String, i64>::new();
    let mut areas = BTreeMap::<String, i64>::new();
    let mut interpretations = 0;
    let mut publishers = 0;
    for unit in &inputs.units {
        let Some(counts) = inputs
            .published
            .get(&unit.id)
            .filter(|_| members.contains(unit.id.as_str()))
        else {
            continue;
        };
        publishers += usize::from(counts.by_channel.values().any(|n| *n > 0));
        for (channel, n) in &counts.by_channel {
            *channels.entry(channel.clone()).or_default() += n;
        }
        for (area, n) in &counts.by_area {
            *areas.entry(area.clone()).or_default() += n;
        }
        interpretations += counts.interpretations;
    }
    (
        count_table("二（渠道）", "政府信息公开渠道", channels),
        count_table("二（领域）", "重点领域信息公开", areas),
        interpretations,
        publishers,
    )
}

/// A one-column table of item counts, largest first.
fn count_table(key: &str, caption: &str, counts: BTreeMap<String, i64>) -> Table {
    let mut rows: Vec<(String, i64)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut table = Table::new(key, caption, vec![vec!["信息条数".to_string()]]);
    for (label, n) in rows {
        let r = table.row(&[&label]);
        table.rows[r].cells = vec![Cell::Count(n)];
    }
    table
}
