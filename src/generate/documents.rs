//! documents.csv: the standing register of 规章 and 行政规范性文件, for section 二（一）
//! of the annual report (本年制发 · 本年废止 · 现行有效).
//!
//! A county-level city issues no 规章, so every row is a 规范性文件: issued by the
//! government (through its office, which publishes them) or by a department with the
//! power to, numbered in its own 规 series per year (皋政规〔2018〕3号), published within
//! 20 working days. Besides the year's own (12 in the model city's 2018), the three years
//! before it are in the register, some revised or repealed since.

use chrono::{Datelike, Days, NaiveDate};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::text::Locale;
use crate::calendar::Calendar;
use crate::catalogue::UnitKind;
use crate::data::Unit;

const NORMATIVE: &str = "规范性文件";

#[derive(Debug, Clone, Serialize)]
pub(crate) struct DocumentRow {
    pub id: String,
    pub unit: String,
    pub kind: &'static str,
    pub doc_no: String,
    pub title: String,
    pub issued_on: NaiveDate,
    pub published_on: Option<NaiveDate>,
    pub repealed_on: Option<NaiveDate>,
}

/// Section 二（一） as the register gives it for the year.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Totals {
    pub issued: usize,
    pub published: usize,
    pub repealed: usize,
    pub in_force: usize,
    pub rows: usize,
}

/// Documents issued per year at scale 1, from three years before the report year to it.
const PER_YEAR: [f64; 4] = [8.0, 10.0, 11.0, 12.0];
/// Share of the report year's documents that revise an earlier one, which they repeal.
const REVISIONS: f64 = 0.25;
/// Earlier documents repealed at the year-end review (清理), per year at scale 1.
const CLEARED: f64 = 2.0;

/// Titles by issuer, after the jurisdiction's name. The government's series first.
const GOVERNMENT: &[&str] = &[
    "重大行政决策程序规定",
    "行政规范性文件制定和备案管理办法",
    "政府投资项目管理办法",
    "国有土地上房屋征收与补偿实施办法",
    "集体土地征收补偿安置办法",
    "城乡居民最低生活保障实施办法",
    "政府购买服务管理办法",
    "工业企业资源集约利用综合评价办法",
    "扶持企业上市挂牌若干政策",
    "住宅小区物业管理办法",
    "城市建筑垃圾管理办法",
    "公共资源交易平台管理实施细则（试行）",
    "人才引进和培养激励办法",
    "农村土地承包经营权流转扶持办法",
    "城市绿化管理办法",
    "困难群众医疗救助办法",
];
const OFFICE: &[&str] = &[
    "政府网站与政务新媒体管理办法",
    "行政执法公示办法",
    "行政执法全过程记录办法",
    "重大行政执法决定法制审核办法",
    "政府合同管理办法",
    "政务服务“不见面审批”实施办法",
];
/// Departments with the power to issue them, by a word of their name.
const DEPARTMENTS: &[(&str, &[&str])] = &[
    (
        "人社",
        &[
            "就业创业补贴申领管理办法",
            "城乡居民基本养老保险实施细则",
            "企业职工技能提升培训补贴办法",
        ],
    ),
    (
        "民政",
        &[
            "临时救助实施办法",
            "特困人员救助供养实施细则",
            "居家养老服务补贴实施办法",
        ],
    ),
    (
        "住建",
        &[
            "房屋建筑和市政基础设施工程招标投标管理办法",
            "城市地下管线工程管理办法",
        ],
    ),
    (
        "国土",
        &[
            "被征地农民社会保障实施办法",
            "国有建设用地使用权出让管理办法",
        ],
    ),
    (
        "教育",
        &["学前教育资助管理办法", "义务教育阶段学校招生入学办法"],
    ),
    (
        "财政",
        &["财政专项资金管理办法", "政府采购内部控制管理办法"],
    ),
    (
        "农委",
        &["耕地地力保护补贴资金管理办法", "农业机械购置补贴实施办法"],
    ),
    ("卫计", &["计划生育家庭特别扶助实施办法"]),
    ("房管", &["住房保障实施办法", "公共租赁住房管理办法"]),
    ("市场监管", &["食品小作坊登记管理办法"]),
    ("城管", &["城市占道经营管理办法"]),
    ("交通", &["农村公路养护管理办法"]),
];

/// One issuing series: the unit, its 规 prefix (皋政规, 皋人社规) and its titles left.
struct Series {
    unit: String,
    prefix: String,
    titles: Vec<&'static str>,
    /// Numbers used so far, per year.
    numbers: std::collections::BTreeMap<i32, u32>,
}

/// The register from three years before `year` to its end.
pub(super) fn documents(
    rng: &mut ChaCha8Rng,
    calendar: &Calendar,
    locale: &Locale,
    units: &[Unit],
    year: i32,
    scale: f64,
) -> Vec<DocumentRow> {
    let mut series = issuers(locale, units);
    if series.is_empty() {
        return Vec::new();
    }
    let mut rows: Vec<DocumentRow> = Vec::new();
    for (offset, base) in PER_YEAR.iter().enumerate() {
        let issued_year = year - 3 + offset as i32;
        let mut dated: Vec<(NaiveDate, usize, Option<usize>, String)> = Vec::new();
        for _ in 0..count(rng, base * scale) {
            // Revisions come from the report year and the year before it.
            let revised = if offset >= 2 && rng.random_bool(REVISIONS) {
                let taken: Vec<usize> = dated.iter().filter_map(|d| d.2).collect();
                revisable(rng, &rows, issued_year, &taken)
            } else {
                None
            };
            let s = match revised {
                Some(old) => series
                    .iter()
                    .position(|s| {
                        s.unit == rows[old].unit && rows[old].doc_no.starts_with(&s.prefix)
                    })
                    .unwrap_or(0),
                None => {
                    // The government's series issues about half of them.
                    let open: Vec<usize> = (0..series.len())
                        .filter(|&i| !series[i].titles.is_empty())
                        .collect();
                    if open.is_empty() {
                        break;
                    }
                    if rng.random_bool(0.5) && !series[0].titles.is_empty() {
                        0
                    } else {
                        open[rng.random_range(0..open.len())]
                    }
                }
            };
            let from = NaiveDate::from_ymd_opt(issued_year, 1, 10).expect("valid date");
            // Issued by December, so published within the year.
            let to = NaiveDate::from_ymd_opt(issued_year, 12, 1).expect("valid date");
            let title = match revised {
                Some(old) => rows[old].title.clone(),
                None => {
                    let titles = &mut series[s].titles;
                    let t = titles.remove(rng.random_range(0..titles.len()));
                    format!("{}{t}", locale.jurisdiction)
                }
            };
            let issued = working_day_between(rng, calendar, from, to);
            dated.push((issued, s, revised, title));
        }
        // Numbered in the order issued.
        dated.sort();
        for (issued, s, revised, title) in dated {
            if let Some(old) = revised {
                rows[old].repealed_on = Some(issued);
            }
            let number = {
                let n = series[s].numbers.entry(issued_year).or_insert(0);
                *n += 1;
                *n
            };
            let doc_no = format!("{}〔{issued_year}〕{}号", series[s].prefix, number);
            // Published within 20 working days; a few old ones never were.
            let published = (offset >= 2 || !rng.random_bool(0.1))
                .then(|| add_working_days(calendar, issued, rng.random_range(2..=15)));
            rows.push(DocumentRow {
                id: String::new(),
                unit: series[s].unit.clone(),
                kind: NORMATIVE,
                doc_no,
                title,
                issued_on: issued,
                published_on: published,
                repealed_on: None,
            });
        }
        // The year-end review repeals some earlier ones (the report year's and the
        // year before's reviews).
        if offset >= 2 {
            let from = NaiveDate::from_ymd_opt(issued_year, 11, 15).expect("valid date");
            let to = NaiveDate::from_ymd_opt(issued_year, 12, 25).expect("valid date");
            let day = working_day_between(rng, calendar, from, to);
            for _ in 0..count(rng, CLEARED * scale) {
                let candidates: Vec<usize> = (0..rows.len())
                    .filter(|&i| {
                        rows[i].repealed_on.is_none() && rows[i].issued_on.year() < issued_year
                    })
                    .collect();
                if candidates.is_empty() {
                    break;
                }
                let i = candidates[rng.random_range(0..candidates.len())];
                rows[i].repealed_on = Some(day);
            }
        }
    }
    rows.sort_by(|a, b| (a.issued_on, &a.doc_no).cmp(&(b.issued_on, &b.doc_no)));
    let mut serial: std::collections::BTreeMap<i32, u32> = Default::default();
    for row in &mut rows {
        let n = serial.entry(row.issued_on.year()).or_insert(0);
        *n += 1;
        row.id = format!("D{}{:03}", row.issued_on.year(), n);
    }
    rows
}

/// An earlier document still in force, at least two years old and not being revised
/// already, that a document of `year` may revise.
fn revisable(
    rng: &mut ChaCha8Rng,
    rows: &[DocumentRow],
    year: i32,
    taken: &[usize],
) -> Option<usize> {
    let candidates: Vec<usize> = (0..rows.len())
        .filter(|i| {
            rows[*i].repealed_on.is_none()
                && rows[*i].issued_on.year() <= year - 2
                && !taken.contains(i)
        })
        .collect();
    (!candidates.is_empty()).then(|| candidates[rng.random_range(0..candidates.len())])
}

/// The issuing series: the government's and its office's, published by the unit named
/// as the government's office (or the first department), and those of departments that
/// issue 规范性文件.
fn issuers(locale: &Locale, units: &[Unit]) -> Vec<Series> {
    let mut series = Vec::new();
    let departments = || units.iter().filter(|u| u.kind == UnitKind::Department);
    let office = departments()
        .find(|u| u.name.contains("政府办"))
        .or_else(|| departments().next());
    if let Some(office) = office {
        for (infix, titles) in [("政", GOVERNMENT), ("政办", OFFICE)] {
            series.push(Series {
                unit: office.id.clone(),
                prefix: format!("{}{infix}规", locale.short),
                titles: titles.to_vec(),
                numbers: Default::default(),
            });
        }
    }
    for (word, titles) in DEPARTMENTS {
        if let Some(unit) = departments().find(|u| u.name.contains(word)) {
            series.push(Series {
                unit: unit.id.clone(),
                prefix: format!("{}{}规", locale.short, abbreviation(&unit.name)),
                titles: titles.to_vec(),
                numbers: Default::default(),
            });
        }
    }
    series
}

/// A department's short name in document numbers: 市人社局 → 人社, 市卫计委 → 卫计.
fn abbreviation(name: &str) -> String {
    let name = name.strip_prefix('市').unwrap_or(name);
    let name = ["管理局", "局", "委", "办", "中心"]
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
        .unwrap_or(name);
    name.to_string()
}

pub(crate) fn totals(rows: &[DocumentRow], year: i32) -> Totals {
    let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid date");
    let issued: Vec<&DocumentRow> = rows.iter().filter(|r| r.issued_on.year() == year).collect();
    Totals {
        issued: issued.len(),
        published: issued.iter().filter(|r| r.published_on.is_some()).count(),
        repealed: rows
            .iter()
            .filter(|r| r.repealed_on.is_some_and(|d| d.year() == year))
            .count(),
        in_force: rows
            .iter()
            .filter(|r| r.issued_on <= end && r.repealed_on.is_none_or(|d| d > end))
            .count(),
        rows: rows.len(),
    }
}

fn count(rng: &mut ChaCha8Rng, n: f64) -> usize {
    let whole = n.floor();
    whole as usize + usize::from(rng.random_bool((n - whole).clamp(0.0, 1.0)))
}

/// A working day by the calendar; in a year it lacks, Monday to Friday outside the
/// holidays on fixed dates (元旦, 劳动节, 国庆节).
fn is_working(calendar: &Calendar, day: NaiveDate) -> bool {
    calendar.is_working_day(day).unwrap_or_else(|_| {
        let holiday = matches!((day.month(), day.day()), (1, 1) | (5, 1..=3) | (10, 1..=7));
        day.weekday().number_from_monday() <= 5 && !holiday
    })
}

fn working_day_between(
    rng: &mut ChaCha8Rng,
    calendar: &Calendar,
    from: NaiveDate,
    to: NaiveDate,
) -> NaiveDate {
    let span = (to - from).num_days().max(0) as u64;
    let mut day = from + Days::new(rng.random_range(0..=span));
    while !is_working(calendar, day) {
        day = day + Days::new(1);
    }
    day
}

fn add_working_days(calendar: &Calendar, from: NaiveDate, n: u32) -> NaiveDate {
    let mut day = from;
    let mut left = n;
    while left > 0 {
        day = day + Days::new(1);
        if is_working(calendar, day) {
            left -= 1;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::abbreviation;

    #[test]
    fn department_abbreviations() {
        assert_eq!(abbreviation("市人社局"), "人社");
        assert_eq!(abbreviation("市卫计委"), "卫计");
        assert_eq!(abbreviation("市市场监管局"), "市场监管");
        assert_eq!(abbreviation("市机关事务管理局"), "机关事务");
    }
}
