//! YEAR-statistics.yaml: what the units report for the annual report's other tables —
//! licences, other services, penalties, enforcement, fees, central procurement — and the
//! narrative sections, the city's and each unit's.
//!
//! The figures follow the kind of unit (a department's name says what it licenses and
//! penalises; towns do little of either); the narratives quote the year's generated
//! records (items by channel, applications, cases, the quarterly findings), so they agree
//! with what the records give.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::text::Locale;
use super::year::{UnitYear, YearTotals};
use crate::catalogue::{Catalogue, UnitKind};
use crate::data::Unit;

/// A unit's yearly figures: (items last year, decisions) for the counted lines, (items
/// last year, 万元) for fees, (projects, 万元) for procurement.
#[derive(Debug, Clone, Copy, Default)]
struct Profile {
    licences: Option<(u32, u32)>,
    services: Option<(u32, u32)>,
    penalties: Option<(u32, u32)>,
    enforcement: Option<(u32, u32)>,
    fees: Option<(u32, f64)>,
    procurement: Option<(u32, f64)>,
}

const fn p(
    licences: Option<(u32, u32)>,
    services: Option<(u32, u32)>,
    penalties: Option<(u32, u32)>,
    enforcement: Option<(u32, u32)>,
    fees: Option<(u32, f64)>,
    procurement: Option<(u32, f64)>,
) -> Profile {
    Profile {
        licences,
        services,
        penalties,
        enforcement,
        fees,
        procurement,
    }
}

/// Departments by a word of their name; the first that matches.
#[rustfmt::skip]
const PROFILES: &[(&str, Profile)] = &[
    ("行政审批", p(Some((268, 31500)), Some((96, 8200)), None, None, None, Some((6, 180.0)))),
    ("公安", p(Some((42, 36800)), Some((25, 52000)), Some((88, 21500)), Some((26, 1320)), Some((6, 385.6)), Some((18, 2650.0)))),
    ("市场监管", p(Some((36, 9800)), Some((12, 1500)), Some((240, 520)), Some((30, 86)), Some((2, 28.5)), Some((8, 420.0)))),
    ("城管", p(Some((14, 960)), None, Some((310, 1380)), Some((22, 176)), Some((2, 96.3)), Some((10, 860.0)))),
    ("交通", p(Some((45, 3100)), None, Some((150, 1620)), Some((15, 230)), Some((3, 210.0)), Some((9, 1350.0)))),
    ("环保", p(Some((9, 320)), None, Some((180, 142)), Some((6, 23)), None, Some((5, 260.0)))),
    ("安监", p(Some((6, 210)), None, Some((120, 128)), Some((10, 14)), None, Some((4, 95.0)))),
    ("卫计", p(Some((28, 1860)), Some((20, 6300)), Some((160, 205)), Some((8, 12)), Some((2, 18.6)), Some((12, 980.0)))),
    ("国土", p(Some((22, 640)), Some((10, 4200)), Some((60, 96)), Some((4, 6)), Some((4, 1260.0)), Some((7, 540.0)))),
    ("住建", p(Some((27, 1490)), Some((12, 900)), Some((120, 64)), Some((5, 3)), Some((3, 320.5)), Some((9, 760.0)))),
    ("规划", p(Some((12, 930)), None, Some((8, 15)), None, None, Some((4, 120.0)))),
    ("房管", p(Some((4, 160)), Some((15, 12600)), None, None, Some((2, 85.0)), Some((3, 60.0)))),
    ("水务", p(Some((16, 310)), None, Some((40, 28)), Some((6, 4)), Some((2, 140.0)), Some((8, 1200.0)))),
    ("农委", p(Some((31, 520)), Some((10, 800)), Some((90, 75)), Some((12, 9)), None, Some((10, 690.0)))),
    ("文广新", p(Some((20, 190)), None, Some((60, 58)), Some((5, 6)), None, Some((6, 230.0)))),
    ("教育", p(Some((6, 95)), Some((8, 2500)), None, None, None, Some((22, 5600.0)))),
    ("民政", p(Some((7, 230)), Some((18, 6500)), Some((6, 2)), None, None, Some((8, 420.0)))),
    ("人社", p(Some((4, 46)), Some((45, 23000)), Some((12, 18)), None, None, Some((6, 310.0)))),
    ("商务", p(Some((5, 110)), None, Some((15, 10)), None, None, Some((3, 60.0)))),
    ("发改", p(Some((6, 160)), Some((4, 420)), Some((10, 3)), None, None, Some((4, 85.0)))),
    ("经信", p(Some((3, 25)), Some((5, 160)), None, None, None, Some((3, 45.0)))),
    ("物价", p(None, Some((4, 380)), Some((20, 36)), None, None, Some((2, 18.0)))),
    ("税务", p(Some((2, 860)), Some((30, 96000)), Some((40, 260)), Some((10, 12)), None, Some((6, 320.0)))),
    ("气象", p(Some((3, 36)), None, Some((4, 1)), None, None, Some((2, 25.0)))),
    ("人防", p(Some((2, 58)), None, None, None, Some((1, 210.0)), Some((2, 30.0)))),
    ("司法", p(Some((2, 28)), Some((8, 1850)), None, None, None, Some((4, 110.0)))),
    ("民宗", p(Some((4, 12)), Some((3, 30)), None, None, None, Some((1, 8.0)))),
    ("粮食", p(Some((2, 18)), None, Some((6, 2)), None, None, Some((2, 20.0)))),
    ("体育", p(Some((2, 8)), None, None, None, None, Some((3, 150.0)))),
    ("旅游", p(Some((2, 6)), None, Some((10, 4)), None, None, Some((2, 40.0)))),
    ("档案", p(None, Some((3, 2600)), None, None, None, Some((2, 35.0)))),
    ("地震", p(Some((1, 12)), None, None, None, None, Some((1, 12.0)))),
    ("统计", p(None, None, Some((6, 5)), None, None, Some((2, 40.0)))),
    ("财政", p(None, Some((6, 320)), None, None, None, Some((4, 110.0)))),
    ("残联", p(None, Some((6, 3200)), None, None, None, Some((3, 120.0)))),
];
const TOWN: Profile = p(
    Some((5, 60)),
    Some((28, 2400)),
    Some((40, 35)),
    Some((4, 3)),
    None,
    Some((15, 1800.0)),
);
/// Other departments: central procurement, when they buy anything.
const DEPARTMENT: Profile = p(None, None, None, None, None, Some((2, 40.0)));

/// What each finding code is called in a unit's account of its problems.
fn problem_label(code: &str) -> &'static str {
    match code {
        "late-publication" => "信息公开不及时",
        "missing-publication" => "应公开信息未公开",
        "missing-required-item" => "规定事项发布数量不足",
        "stale-column" => "栏目更新不及时",
        "empty-column" => "栏目内容空白",
        "late-reply" => "依申请公开答复超期",
        "unanswered" => "依申请公开逾期未答复",
        "missing-interpretation" => "政策文件未同步解读",
        "late-interpretation" => "政策解读发布滞后",
        "missing-elements" => "公开要素不全",
        "missing-channel" => "未在规定渠道同步公开",
        "short-display" => "公示期限不足",
        "unreviewed-publication" => "信息发布前未经保密审查",
        _ => "其他问题",
    }
}

const OPENINGS: &[&str] = &[
    "明确分管负责同志和专职信息员，落实信息发布“三审”和保密审查制度",
    "把政务公开与业务工作同部署、同推进、同考核",
    "对照公开事项标准目录逐项梳理公开内容，规范公开时限和渠道",
    "健全政务公开工作台账，推进公开事项标准目录落地运行",
];
const MEASURES: &[&str] = &[
    "严格执行信息发布审核和台账管理制度，确保信息在规定时限内公开",
    "加强信息员业务培训，提高公开内容的规范性和完整性",
    "完善政策解读与政策文件同步组织、同步审签、同步部署机制",
    "规范依申请公开登记、办理、答复流程，严格按法定期限答复",
    "落实栏目日常巡查，及时更新网站和政务新媒体栏目内容",
];
const WEAKNESSES: &[&str] = &[
    "公开内容的深度和解读的针对性仍有不足",
    "政务新媒体互动回应的及时性有待提高",
    "公开形式还不够丰富，群众获取信息的便利程度有待提高",
];

/// The file's text: the header comment, `year`, `city`, `units` in the units' order.
pub(super) fn statistics(
    rng: &mut ChaCha8Rng,
    catalogue: &Catalogue,
    locale: &Locale,
    units: &[Unit],
    year: i32,
    tallies: &BTreeMap<String, UnitYear>,
    totals: &YearTotals,
) -> String {
    let mut out = format!(
        "# {year}年各单位政府信息公开年度报告填报数据（行政许可、处罚、强制、收费等由各单位填报）\nyear: {year}\ncity:\n"
    );
    let city = city_narrative(rng, catalogue, locale, units, year, totals);
    for (key, text) in city {
        let _ = writeln!(out, "  {key}: {}", quoted(&text));
    }
    out.push_str("units:\n");
    let empty = UnitYear::default();
    for unit in units {
        let tally = tallies.get(&unit.id).unwrap_or(&empty);
        let _ = writeln!(out, "  {}:", unit.id);
        for line in figures(rng, unit) {
            let _ = writeln!(out, "    {line}");
        }
        for (key, text) in unit_narrative(rng, catalogue, unit, year, tally) {
            let _ = writeln!(out, "    {key}: {}", quoted(&text));
        }
    }
    out
}

/// A YAML double-quoted scalar (JSON's string syntax is YAML's).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

fn profile(unit: &Unit) -> Profile {
    if unit.kind == UnitKind::Town {
        return TOWN;
    }
    PROFILES
        .iter()
        .find(|(word, _)| unit.name.contains(word))
        .map_or(DEPARTMENT, |(_, p)| *p)
}

/// Around `base`, within ± `spread` of it.
fn around(rng: &mut ChaCha8Rng, base: f64, spread: f64) -> f64 {
    base * (1.0 + rng.random_range(-spread..=spread))
}

/// The unit's figure lines, in the file's key order.
fn figures(rng: &mut ChaCha8Rng, unit: &Unit) -> Vec<String> {
    let profile = profile(unit);
    let mut lines = Vec::new();
    let counted = [
        ("行政许可", profile.licences),
        ("其他对外管理服务事项", profile.services),
        ("行政处罚", profile.penalties),
        ("行政强制", profile.enforcement),
    ];
    for (name, figures) in counted {
        let Some((items, decisions)) = figures else {
            continue;
        };
        let items = around(rng, f64::from(items), 0.15).round().max(1.0) as i64;
        let change = change(rng, items);
        let decisions = around(rng, f64::from(decisions), 0.25).round().max(0.0) as i64;
        lines.push(format!(
            "{name}: {{上一年项目数量: {items}, 本年增减: {change}, 处理决定数量: {decisions}}}"
        ));
    }
    if let Some((items, amount)) = profile.fees {
        let items = i64::from(items);
        let change = change(rng, items);
        let amount = around(rng, amount, 0.2);
        lines.push(format!(
            "行政事业性收费: {{上一年项目数量: {items}, 本年增减: {change}, 收费金额: {amount:.2}}}"
        ));
    }
    // Not every unit buys through central procurement every year.
    if let Some((projects, amount)) = profile.procurement {
        if unit.kind == UnitKind::Town || projects > 2 || rng.random_bool(0.7) {
            let projects = around(rng, f64::from(projects), 0.3).round().max(1.0) as i64;
            let amount = around(rng, amount, 0.3);
            lines.push(format!(
                "政府集中采购: {{采购项目数量: {projects}, 采购总金额: {amount:.2}}}"
            ));
        }
    }
    lines
}

/// The year's change in the number of items: small, never below none.
fn change(rng: &mut ChaCha8Rng, items: i64) -> i64 {
    let change = if items >= 5 {
        rng.random_range(-2..=3)
    } else {
        rng.random_range(-1..=1)
    };
    change.max(-items)
}

/// "政府网站8012条、政务新媒体3200条、其他渠道950条": the `top` busiest channels (in
/// the catalogue's order on a tie), the rest together.
fn by_channel(catalogue: &Catalogue, items: &BTreeMap<String, usize>, top: usize) -> String {
    let position = |c: &str| catalogue.meta.channels.iter().position(|k| k == c);
    let mut channels: Vec<(&String, usize)> = items
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(c, n)| (c, *n))
        .collect();
    channels.sort_by(|a, b| b.1.cmp(&a.1).then(position(a.0).cmp(&position(b.0))));
    let mut parts: Vec<String> = channels
        .iter()
        .take(top)
        .map(|(c, n)| format!("{c}{n}条"))
        .collect();
    let others: usize = channels.iter().skip(top).map(|(_, n)| n).sum();
    if others > 0 {
        parts.push(format!("其他渠道{others}条"));
    }
    parts.join("、")
}

fn pick<'s>(rng: &mut ChaCha8Rng, list: &[&'s str]) -> &'s str {
    list[rng.random_range(0..list.len())]
}

fn unit_narrative(
    rng: &mut ChaCha8Rng,
    catalogue: &Catalogue,
    unit: &Unit,
    year: i32,
    tally: &UnitYear,
) -> Vec<(&'static str, String)> {
    let name = &unit.name;
    let items: usize = tally.items.values().sum();
    let area = unit.areas.iter().find(|a| a.as_str() != "财政预决算");
    let opening = match area {
        Some(area) if rng.random_bool(0.5) => {
            format!("围绕{area}等重点领域，细化公开事项，规范公开时限和渠道")
        }
        _ => pick(rng, OPENINGS).to_string(),
    };
    let mut overall = format!(
        "{year}年，{name}认真贯彻《中华人民共和国政府信息公开条例》和全市政务公开工作要点，{opening}。\n全年主动公开政府信息{items}条"
    );
    if items > 0 {
        let _ = write!(overall, "，其中{}", by_channel(catalogue, &tally.items, 3));
    }
    let received = tally.received + tally.carried_in;
    if received == 0 {
        overall.push_str("；全年未收到政府信息公开申请。");
    } else {
        let _ = write!(overall, "；收到政府信息公开申请{}件", tally.received);
        if tally.carried_in > 0 {
            let _ = write!(overall, "，上年结转{}件", tally.carried_in);
        }
        let _ = write!(overall, "，办结{}件", tally.concluded);
        if tally.refused > 0 {
            let _ = write!(overall, "（其中不予公开{}件）", tally.refused);
        }
        if tally.open > 0 {
            let _ = write!(overall, "，结转下年度继续办理{}件", tally.open);
        }
        overall.push('。');
    }
    match (tally.reviews, tally.suits) {
        (0, 0) => overall.push_str("未发生因政府信息公开引起的行政复议和行政诉讼。"),
        (r, s) => {
            let mut parts = Vec::new();
            if r > 0 {
                parts.push(format!("被申请行政复议{r}起"));
            }
            if s > 0 {
                parts.push(format!("被提起行政诉讼{s}起"));
            }
            let _ = write!(overall, "因政府信息公开{}。", parts.join("、"));
        }
    }

    let found: usize = tally.findings.values().sum();
    let measure = pick(rng, MEASURES);
    let problems = if found > 0 {
        let mut codes: Vec<(&String, &usize)> = tally.findings.iter().collect();
        codes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let main: Vec<String> = codes
            .iter()
            .take(2)
            .map(|(code, n)| format!("{}（{n}个）", problem_label(code)))
            .collect();
        format!(
            "全年季度考核中被通报问题{found}个，主要是{}。\n下一步，将对照考核通报逐条整改，{measure}。",
            main.join("、")
        )
    } else {
        format!(
            "全年季度考核中未被通报问题，但{}。\n下一步，将{measure}。",
            pick(rng, WEAKNESSES)
        )
    };
    let other = if rng.random_bool(0.6) {
        format!("{year}年，本单位未收取政府信息公开信息处理费。")
    } else {
        let (proposals, motions) = (rng.random_range(1..=12), rng.random_range(1..=10));
        format!(
            "{year}年，本单位未收取政府信息公开信息处理费。全年承办人大代表建议{proposals}件、政协委员提案{motions}件，均按期办结，办理结果已公开。"
        )
    };
    vec![
        ("总体情况", overall),
        ("存在的主要问题及改进情况", problems),
        ("其他需要报告的事项", other),
    ]
}

fn city_narrative(
    rng: &mut ChaCha8Rng,
    catalogue: &Catalogue,
    locale: &Locale,
    units: &[Unit],
    year: i32,
    totals: &YearTotals,
) -> Vec<(&'static str, String)> {
    let place = &locale.jurisdiction;
    let items: usize = totals.items.values().sum();
    let docs = totals.documents;
    let concluded: usize = totals.outcomes.values().sum();
    let refused = totals.outcomes.get("不予公开").copied().unwrap_or(0);
    let kind = |k: &str| -> usize {
        totals
            .cases
            .iter()
            .filter(|((kind, _), _)| kind == k)
            .map(|(_, n)| n)
            .sum()
    };
    let reviews = kind(super::cases::REVIEW);
    let suits = kind(super::cases::DIRECT_SUIT) + kind(super::cases::SUIT_AFTER_REVIEW);
    let subsystems: Vec<&str> = catalogue
        .meta
        .subsystems
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    let published = if docs.published == docs.issued {
        "均已公开".to_string()
    } else {
        format!("已公开{}件", docs.published)
    };
    let mut overall = format!(
        "{year}年，{place}认真贯彻落实上级有关政务公开工作的决策部署，以基层政务公开标准化规范化为抓手，推进决策、执行、管理、服务、结果“五公开”，政务公开工作水平进一步提升。\n\
         全市{}家单位通过政府网站、政务新媒体等渠道主动公开政府信息{items}条，其中{}。全市制发规范性文件{}件，{published}；本年废止{}件，现行有效{}件。\n\
         全年收到政府信息公开申请{}件",
        units.len(),
        by_channel(catalogue, &totals.items, 4),
        docs.issued,
        docs.repealed,
        docs.in_force,
        totals.received,
    );
    if totals.carried_in > 0 {
        let _ = write!(overall, "，上年结转{}件", totals.carried_in);
    }
    let _ = writeln!(
        overall,
        "，办结{concluded}件，其中不予公开{refused}件，结转下年度继续办理{}件。发生因政府信息公开引起的行政复议案件{reviews}起、行政诉讼案件{suits}起，均依法处理。",
        totals.carried_out
    );
    let _ = write!(
        overall,
        "编制基层政务公开标准体系，包含{}{}个子体系，共{}个标准，已全部对外发布。日常考核采取随机抽查、专项检查等方式，每季度通报一次并计入年度考评，全年季度考核共通报问题{}个，均已督促整改。",
        subsystems.join("、"),
        subsystems.len(),
        catalogue.standards.len(),
        totals.findings
    );
    let problems = format!(
        "对照上级要求和群众期盼，全市政务公开工作仍存在一些不足：一是部分单位信息发布不够及时，公开要素不全、栏目更新不及时等问题在季度考核中仍有发生；二是政策解读形式较为单一，解读的针对性和可读性有待增强；三是依申请公开答复的规范化水平不平衡，个别单位存在答复超期现象。\n\
         下一步，将{}；{}；{}。",
        MEASURES[0],
        MEASURES[2],
        MEASURES[3]
    );
    let mut other = format!("{year}年，全市各级行政机关均未收取政府信息公开信息处理费。");
    if year == 2018 {
        other.push_str(
            "新修订的《中华人民共和国政府信息公开条例》自2019年5月15日起施行，全市将组织专题培训，做好新旧条例过渡衔接，调整完善依申请公开办理流程。",
        );
    } else if rng.random_bool(0.5) {
        other.push_str("全市将继续推进基层政务公开标准化规范化，巩固和扩大试点成果。");
    }
    vec![
        ("总体情况", overall),
        ("存在的主要问题及改进情况", problems),
        ("其他需要报告的事项", other),
    ]
}
