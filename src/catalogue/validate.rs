//! Whole-catalogue validation: every problem, each with file, line and field. Every number
//! is checked against its range in [`crate::ranges`].

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{
    CatalogueItem, CatalogueMeta, CheckKind, InForce, Param, RequirementRecord, RuleLimit, Sourced,
    StandardRecord,
};
use crate::problem::{Problem, Problems};
use crate::ranges::{COUNT, DAYS, DIGIT, SCORE, STANDARDS, WEIGHT};

pub(super) fn catalogue(
    meta: &Sourced<CatalogueMeta>,
    standards: &[Sourced<StandardRecord>],
    count_subsystems: bool,
) -> Problems {
    let mut problems = Problems::default();
    let mut out = |p: Problem| problems.push(p);
    check_meta(meta, &mut out);

    let mut first_with_id: HashMap<&str, &Sourced<StandardRecord>> = HashMap::new();
    let mut first_with_code: HashMap<&str, &Sourced<StandardRecord>> = HashMap::new();
    for s in standards {
        if let Some(first) = first_with_id.insert(&s.record.id, s) {
            out(s.problem(
                "id",
                format!("编号 {} 重复：{} 中也有", s.record.id, first.path.display()),
            ));
        }
        for (i, item) in s.record.items.iter().enumerate() {
            if let Some(first) = first_with_code.insert(&item.code, s) {
                out(s.problem(
                    format!("items[{i}].code"),
                    format!(
                        "事项编码 {} 重复：{} 中也有",
                        item.code,
                        first.path.display()
                    ),
                ));
            }
        }
    }
    let items: HashMap<&str, &CatalogueItem> = standards
        .iter()
        .flat_map(|s| s.record.items.iter().map(|i| (i.code.as_str(), i)))
        .collect();

    for s in standards {
        check_standard(s, &meta.record, &mut out);
        for (i, id) in s.record.supersedes.iter().enumerate() {
            if !first_with_id.contains_key(id.as_str()) {
                out(s.problem(format!("supersedes[{i}]"), format!("目录中没有标准 {id}")));
            }
        }
        for part in parts(&s.record) {
            for (r, req) in part.requirements.iter().enumerate() {
                check_requirement(s, &part, r, req, &meta.record, &items, &mut out);
            }
        }
        check_in_force_overlaps(s, &mut out);
    }
    check_one_sample_rule(standards, &mut out);
    for (i, id) in meta.record.circular_basis.iter().enumerate() {
        if !first_with_id.contains_key(id.as_str()) {
            out(meta.problem(
                format!("circular_basis[{i}]"),
                format!("目录中没有标准 {id}"),
            ));
        }
    }
    if count_subsystems {
        check_counts(meta, standards, &mut out);
    }
    problems
}

/// The spot-check sample's verdicts go under one requirement: two marked `sample` would
/// leave `zwgk sample` to guess.
fn check_one_sample_rule(standards: &[Sourced<StandardRecord>], out: &mut impl FnMut(Problem)) {
    let mut first: Option<String> = None;
    for s in standards {
        for (r, req) in s.record.requirements.iter().enumerate() {
            if req.sample != Some(true) {
                continue;
            }
            let name = format!("{}/{}", s.record.id, req.id);
            match &first {
                None => first = Some(name),
                Some(first) => out(s.problem(
                    format!("requirements[{r}].sample"),
                    format!("抽查样本的核查结论只能记在一个要求下：{first} 已标记 sample: true"),
                )),
            }
        }
    }
}

fn check_meta(meta: &Sourced<CatalogueMeta>, out: &mut impl FnMut(Problem)) {
    let m = &meta.record;
    let mut digits = HashSet::new();
    for (i, sub) in m.subsystems.iter().enumerate() {
        if !digits.insert(sub.digit) {
            out(meta.problem(
                format!("subsystems[{i}].digit"),
                format!("首位数字 {} 用了两次", sub.digit),
            ));
        }
        let at = |name: &str| format!("subsystems[{i}].{name}");
        report(meta, at("digit"), DIGIT.check(sub.digit), out);
        report(meta, at("weight"), SCORE.check(sub.weight), out);
        report(meta, at("standards"), STANDARDS.check(sub.standards), out);
    }
    let total: f64 = m.subsystems.iter().map(|s| s.weight).sum();
    if total <= 0.0 {
        out(meta.problem("subsystems", "各子体系权重之和须大于 0"));
    }
    if m.grades.is_empty() {
        out(meta.problem("grades", "至少需要一个等次"));
    }
    for (i, band) in m.grades.iter().enumerate() {
        report(meta, format!("grades[{i}].min"), SCORE.check(band.min), out);
    }
    for (i, pair) in m.grades.windows(2).enumerate() {
        if pair[1].min >= pair[0].min {
            out(meta.problem(
                format!("grades[{}].min", i + 1),
                format!("等次须从高到低排列：{} 不低于 {}", pair[1].min, pair[0].min),
            ));
        }
    }
    check_annual(meta, out);
}

/// The annual composition adds up to 100 % and caps only grades that exist.
fn check_annual(meta: &Sourced<CatalogueMeta>, out: &mut impl FnMut(Problem)) {
    let annual = &meta.record.annual;
    report(
        meta,
        "annual.quarterly_percent".into(),
        SCORE.check(annual.quarterly_percent),
        out,
    );
    report(
        meta,
        "annual.review_percent".into(),
        SCORE.check(annual.review_percent),
        out,
    );
    if (annual.quarterly_percent + annual.review_percent - 100.0).abs() > 1e-9 {
        out(meta.problem(
            "annual",
            format!(
                "年度考核的季度平均分与年终集中考核占比应合计100%，现为{}%+{}%",
                annual.quarterly_percent, annual.review_percent
            ),
        ));
    }
    for (grade, percent) in &annual.grade_caps {
        let at = format!("annual.grade_caps.{grade}");
        if !meta.record.grades.iter().any(|g| &g.name == grade) {
            out(meta.problem(at.clone(), format!("没有等次“{grade}”（见 grades）")));
        }
        report(meta, at, SCORE.check(*percent), out);
    }
}

fn check_standard(
    s: &Sourced<StandardRecord>,
    meta: &CatalogueMeta,
    out: &mut impl FnMut(Problem),
) {
    let std = &s.record;
    let stem = s
        .path
        .file_stem()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if stem != std.id {
        out(s.problem("id", format!("编号 {} 与文件名 {stem}.yaml 不符", std.id)));
    }
    let digits = std.id.strip_prefix(&format!("{}-", meta.id_prefix));
    let digits = digits.filter(|d| d.len() == 3 && d.bytes().all(|b| b.is_ascii_digit()));
    match digits {
        None => out(s.problem(
            "id",
            format!("编号 {} 不是 {}-NNN（三位数字）", std.id, meta.id_prefix),
        )),
        Some(digits) => {
            let first = digits.as_bytes()[0] - b'0';
            match meta.subsystems.iter().find(|sub| sub.digit == first) {
                None => out(s.problem("id", format!("没有哪个子体系的编号以 {first} 开头"))),
                Some(sub) if sub.name != std.subsystem => out(s.problem(
                    "subsystem",
                    format!(
                        "按编号 {} 属于 {}，不属于 {}",
                        std.id, sub.name, std.subsystem
                    ),
                )),
                Some(_) => {}
            }
            if !std.number.contains(digits) {
                out(s.problem("number", format!("标准号 {} 不含 {digits}", std.number)));
            }
            for (i, item) in std.items.iter().enumerate() {
                if !item.code.starts_with(&format!("{digits}-")) {
                    out(s.problem(
                        format!("items[{i}].code"),
                        format!("事项编码 {} 须以本标准的编号 {digits}- 开头", item.code),
                    ));
                }
                check_item(s, i, item, meta, out);
            }
        }
    }
    if !meta.subsystems.iter().any(|sub| sub.name == std.subsystem) {
        out(s.problem("subsystem", format!("没有子体系 {}", std.subsystem)));
    }
    if std.effective < std.issued {
        out(s.problem(
            "effective",
            format!(
                "实施日期（{}）早于发布日期（{}）",
                std.effective, std.issued
            ),
        ));
    }
    for (field, text) in [("title", &std.title), ("scope", &std.scope)] {
        if text.trim().is_empty() {
            out(s.problem(field, "不能为空"));
        }
    }
    let mut ids = HashSet::new();
    for part in parts(std) {
        check_clauses(s, &part, out);
        for (i, req) in part.requirements.iter().enumerate() {
            if !ids.insert(req.id.as_str()) {
                out(s.problem(
                    format!("{}requirements[{i}].id", part.prefix),
                    format!("要求编号 {} 重复（各版本的要求编号不能相同）", req.id),
                ));
            }
        }
    }
    check_editions(s, out);
}

/// One edition of a standard as validation sees it: where its fields are, its clauses and
/// its requirements.
struct Part<'a> {
    /// `editions[0].` for an earlier edition, empty for the current one.
    prefix: String,
    clauses: &'a [super::Clause],
    requirements: &'a [RequirementRecord],
    /// Index of the edition for [`super::Standard::edition_window`].
    edition: usize,
}

/// The earlier editions, then the current one.
fn parts(std: &StandardRecord) -> Vec<Part<'_>> {
    let earlier = std.editions.iter().enumerate().map(|(e, ed)| Part {
        prefix: format!("editions[{e}]."),
        clauses: &ed.clauses,
        requirements: &ed.requirements,
        edition: e,
    });
    earlier
        .chain([Part {
            prefix: String::new(),
            clauses: &std.clauses,
            requirements: &std.requirements,
            edition: std.editions.len(),
        }])
        .collect()
}

fn check_clauses(s: &Sourced<StandardRecord>, part: &Part<'_>, out: &mut impl FnMut(Problem)) {
    let prefix = &part.prefix;
    if part.clauses.is_empty() {
        out(s.problem(format!("{prefix}clauses"), "标准至少需要一个条款"));
    }
    let mut seen = HashSet::new();
    for (i, clause) in part.clauses.iter().enumerate() {
        if !seen.insert(clause.no.as_str()) {
            out(s.problem(
                format!("{prefix}clauses[{i}].no"),
                format!("条款号 {} 重复", clause.no),
            ));
        }
        if clause.text.trim().is_empty() {
            out(s.problem(format!("{prefix}clauses[{i}].text"), "条款正文不能为空"));
        }
    }
}

/// Earlier editions: numbers of the same standard, each its own, issued before taking
/// effect, and in order, each superseded by a later one.
fn check_editions(s: &Sourced<StandardRecord>, out: &mut impl FnMut(Problem)) {
    let std = &s.record;
    let digits = std.id.rsplit('-').next().unwrap_or_default();
    let mut numbers = HashSet::from([std.number.as_str()]);
    for (e, edition) in std.editions.iter().enumerate() {
        let at = |name: &str| format!("editions[{e}].{name}");
        if !edition.number.contains(digits) {
            out(s.problem(
                at("number"),
                format!("标准号 {} 不含 {digits}", edition.number),
            ));
        }
        if !numbers.insert(edition.number.as_str()) {
            out(s.problem(at("number"), format!("版本号 {} 用了两次", edition.number)));
        }
        if edition.effective < edition.issued {
            out(s.problem(
                at("effective"),
                format!(
                    "实施日期（{}）早于发布日期（{}）",
                    edition.effective, edition.issued
                ),
            ));
        }
        let next = std
            .editions
            .get(e + 1)
            .map_or((std.effective, std.number.as_str()), |n| {
                (n.effective, n.number.as_str())
            });
        if edition.effective >= next.0 {
            out(s.problem(
                at("effective"),
                format!(
                    "历次版本须从旧到新排列：{} 实施于 {}，不早于 {}（{}）",
                    edition.number, edition.effective, next.1, next.0
                ),
            ));
        }
    }
}

fn check_item(
    s: &Sourced<StandardRecord>,
    i: usize,
    item: &CatalogueItem,
    meta: &CatalogueMeta,
    out: &mut impl FnMut(Problem),
) {
    let field = |name: &str| format!("items[{i}].{name}");
    if let Some(area) = item.area.as_ref().filter(|a| !meta.areas.contains(a)) {
        out(s.problem(
            field("area"),
            format!("没有领域 {area}（见 catalogue.yaml 的 areas）"),
        ));
    }
    for (c, channel) in item.channels.iter().enumerate() {
        if !meta.channels.contains(channel) {
            out(s.problem(
                format!("items[{i}].channels[{c}]"),
                format!("没有渠道 {channel}（见 catalogue.yaml 的 channels）"),
            ));
        }
    }
    for (name, empty) in [
        ("elements", item.elements.is_empty()),
        ("channels", item.channels.is_empty()),
        ("audience", item.audience.is_empty()),
        ("mode", item.mode.is_empty()),
        ("level", item.level.is_empty()),
    ] {
        if empty {
            out(s.problem(field(name), "至少需要列出一个值"));
        }
    }
    let limit = &item.time_limit;
    if limit.raw.trim().is_empty() {
        out(s.problem(field("time_limit.raw"), "请照目录原文写出时限"));
    }
    for (name, days) in [
        ("working_days", limit.working_days),
        ("calendar_days", limit.calendar_days),
        ("display_working_days", limit.display_working_days),
    ] {
        let field = field(&format!("time_limit.{name}"));
        report(s, field, DAYS.check_optional(days), out);
    }
    let typed = limit.working_days.is_some() || limit.calendar_days.is_some();
    if limit.working_days.is_some() && limit.calendar_days.is_some() {
        out(s.problem(
            field("time_limit"),
            "working_days 和 calendar_days 只能给一个",
        ));
    }
    if limit.kind.is_some() && (typed || limit.display_working_days.is_some()) {
        out(s.problem(field("time_limit.kind"), "kind 只用于没有天数的时限"));
    }
}

fn check_requirement(
    s: &Sourced<StandardRecord>,
    part: &Part<'_>,
    r: usize,
    req: &RequirementRecord,
    meta: &CatalogueMeta,
    items: &HashMap<&str, &CatalogueItem>,
    out: &mut impl FnMut(Problem),
) {
    let prefix = &part.prefix;
    let at = |name: &str| format!("{prefix}requirements[{r}].{name}");
    let std = &s.record;
    if !req
        .id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        || req.id.is_empty()
    {
        out(s.problem(
            at("id"),
            format!(
                "要求编号 {} 须由小写字母、数字和连字符组成（a-z、0-9、-）",
                req.id
            ),
        ));
    }
    if !part.clauses.iter().any(|c| c.no == req.clause) {
        out(s.problem(at("clause"), format!("{} 没有条款 {}", std.id, req.clause)));
    }
    report(s, at("weight"), WEIGHT.check(req.weight), out);
    report(s, at("veto_at"), COUNT.check_optional(req.veto_at), out);
    report(s, at("min"), COUNT.check_optional(req.min), out);
    report(
        s,
        at("max_gap_days"),
        DAYS.check_optional(req.max_gap_days),
        out,
    );
    if req.veto && req.veto_at.is_some() {
        out(s.problem(at("veto_at"), "veto 和 veto_at 只能给一个"));
    }
    if let Some(window) = &req.in_force {
        if window
            .to
            .zip(window.from)
            .is_some_and(|(to, from)| to < from)
        {
            out(s.problem(at("in_force"), "in_force 的结束日期早于开始日期"));
        }
    }
    if let Some(applies) = &req.applies_to {
        for (a, area) in applies.areas.iter().enumerate() {
            if !meta.areas.contains(area) {
                out(s.problem(
                    at(&format!("applies_to.areas[{a}]")),
                    format!("没有领域 {area}（见 catalogue.yaml 的 areas）"),
                ));
            }
        }
    }

    let (needed, allowed) = req.check.params();
    for param in Param::ALL {
        let set = param.is_set(req);
        if needed.contains(&param) && !set {
            out(s.problem(
                at("check"),
                format!("检查 {} 需要 `{}`", req.check.name(), param.name()),
            ));
        } else if set && !needed.contains(&param) && !allowed.contains(&param) {
            out(s.problem(
                at(param.name()),
                format!("检查 {1} 不用 `{0}`", param.name(), req.check.name()),
            ));
        }
    }
    if req.check == CheckKind::Freshness && req.columns.is_none() && req.channel.is_none() {
        out(s.problem(
            at("check"),
            "检查 freshness 需要 `columns`（或 `channel`，表示该渠道的全部栏目）",
        ));
    }
    if let Some(channel) = req.channel.as_ref().filter(|c| !meta.channels.contains(c)) {
        out(s.problem(
            at("channel"),
            format!("没有渠道 {channel}（见 catalogue.yaml 的 channels）"),
        ));
    }
    if req.page.as_ref().is_some_and(|p| p.trim().is_empty()) {
        out(s.problem(at("page"), "请写明这些栏目所在的页面（如 首页）"));
    }
    if let Some(limit) = &req.limit {
        if let Some(message) = limit_problem(req.check, limit) {
            out(s.problem(at("limit"), message));
        }
        for (name, days) in [
            ("working_days", limit.working_days),
            ("calendar_days", limit.calendar_days),
            ("extension_working_days", limit.extension_working_days),
        ] {
            report(
                s,
                at(&format!("limit.{name}")),
                DAYS.check_optional(days),
                out,
            );
        }
    }
    for (c, channel) in req.channels.iter().flatten().enumerate() {
        if !meta.channels.contains(channel) {
            out(s.problem(at(&format!("channels[{c}]")), format!("没有渠道 {channel}")));
        }
    }
    for (c, code) in req.codes.iter().flatten().enumerate() {
        let field = at(&format!("codes[{c}]"));
        match items.get(code.as_str()) {
            None => out(s.problem(field, format!("没有编码为 {code} 的目录事项"))),
            Some(item)
                if req.check == CheckKind::Display
                    && item.time_limit.display_working_days.is_none() =>
            {
                out(s.problem(
                    field,
                    format!("目录事项 {code} 没有 display_working_days，无法做公示期检查"),
                ))
            }
            Some(_) => {}
        }
    }
    if req.codes.as_ref().is_some_and(|c| c.is_empty()) {
        out(s.problem(at("codes"), "至少列出一个事项编码（允许时可省略 codes）"));
    }
}

/// Reports a range check's message, if it has one, for the field.
fn report<T>(
    s: &Sourced<T>,
    field: String,
    message: Option<String>,
    out: &mut impl FnMut(Problem),
) {
    if let Some(message) = message {
        out(s.problem(field, message));
    }
}

/// What is wrong with a requirement's `limit` for its check, if anything.
fn limit_problem(check: CheckKind, limit: &RuleLimit) -> Option<String> {
    let days = limit.working_days.is_some() as u8 + limit.calendar_days.is_some() as u8;
    if days != 1 {
        return Some("working_days 和 calendar_days 须给且只给一个".into());
    }
    if limit.extension_working_days.is_some() && check != CheckKind::Response {
        return Some("extension_working_days 只用于答复期限检查".into());
    }
    if check == CheckKind::Interpretation && limit.calendar_days.is_some() {
        return Some("解读的期限须按 working_days 计".into());
    }
    None
}

/// Two versions of the same rule (same clause and check) must not be in force on one day.
fn check_in_force_overlaps(s: &Sourced<StandardRecord>, out: &mut impl FnMut(Problem)) {
    // Every requirement of every edition with the days it is in force: its own window
    // within its edition's (editions never overlap, so only windows inside one can).
    let always = InForce {
        from: None,
        to: None,
    };
    let reqs: Vec<(String, &RequirementRecord, Option<InForce>)> = parts(&s.record)
        .into_iter()
        .flat_map(|part| {
            let window = s.record.edition_window(part.edition);
            part.requirements.iter().enumerate().map(move |(r, req)| {
                let field = format!("{}requirements[{r}].in_force", part.prefix);
                (field, req, req.in_force.unwrap_or(always).within(&window))
            })
        })
        .collect();
    for (i, (_, a, a_days)) in reqs.iter().enumerate() {
        for (field, b, b_days) in reqs.iter().skip(i + 1) {
            let same_rule = a.clause == b.clause && a.check == b.check && a.source == b.source;
            let bounded = a.in_force.is_some() || b.in_force.is_some();
            if !same_rule || !bounded {
                continue;
            }
            if let (Some(x), Some(y)) = (a_days, b_days) {
                if x.overlaps(y) {
                    out(s.problem(
                        field.clone(),
                        format!(
                            "与 {} 同时对条款 {} 有效（{}）：有效期重叠",
                            a.id,
                            a.clause,
                            a.check.name()
                        ),
                    ));
                }
            }
        }
    }
}

fn check_counts(
    meta: &Sourced<CatalogueMeta>,
    standards: &[Sourced<StandardRecord>],
    out: &mut impl FnMut(Problem),
) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for s in standards {
        *counts.entry(s.record.subsystem.as_str()).or_default() += 1;
    }
    for (i, sub) in meta.record.subsystems.iter().enumerate() {
        let found = counts.get(sub.name.as_str()).copied().unwrap_or(0);
        if found != sub.standards {
            out(meta.problem(
                format!("subsystems[{i}].standards"),
                format!(
                    "{} 声明有 {} 项标准，但文件夹中有 {found} 项",
                    sub.name, sub.standards
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use crate::catalogue::Catalogue;

    fn shipped() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("standards")
    }

    /// The line of the first `text` in a shipped file.
    fn line_of(file: &str, text: &str) -> usize {
        let source = std::fs::read_to_string(shipped().join(file)).unwrap();
        let at = source
            .find(text)
            .unwrap_or_else(|| panic!("{text} not in {file}"));
        source[..at].matches('\n').count() + 1
    }

    /// Loads the shipped catalogue with each `(file, from, to)` edit made once; returns its
    /// problems, one a line.
    fn problems_with(edits: &[(&str, &str, &str)]) -> String {
        let dir = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(shipped()).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
        for (file, from, to) in edits {
            let path = dir.path().join(file);
            let source = std::fs::read_to_string(&path).unwrap();
            assert!(source.contains(from), "{from} not in {file}");
            std::fs::write(&path, source.replacen(from, to, 1)).unwrap();
        }
        Catalogue::load(dir.path()).unwrap_err().to_string()
    }

    fn assert_reported(problems: &str, file: &str, line: usize, field_and_message: &str) {
        let expected = format!("{file}:{line}: {field_and_message}");
        assert!(
            problems.lines().any(|l| l.contains(&expected)),
            "missing {expected:?} in:\n{problems}"
        );
    }

    #[test]
    fn calendar_days_four_billion_is_refused_at_check() {
        let problems = problems_with(&[(
            "ZWGK-212.yaml",
            "calendar_days: 20",
            "calendar_days: 4000000000",
        )]);
        assert_reported(
            &problems,
            "ZWGK-212.yaml",
            line_of("ZWGK-212.yaml", "calendar_days: 20"),
            "items[0].time_limit.calendar_days: 取值 4000000000 超出允许范围 1–3650（期限按天计，最长 10 年）",
        );
        assert_eq!(problems.lines().count(), 1, "{problems}");
    }

    #[test]
    fn working_days_max_is_refused_at_check() {
        let limit = "limit: {working_days: 20, extension_working_days: 20}";
        let problems = problems_with(&[(
            "ZWGK-204.yaml",
            limit,
            "limit: {working_days: 4294967295, extension_working_days: 0}",
        )]);
        let line = line_of("ZWGK-204.yaml", limit);
        let field = "requirements[0].limit";
        assert_reported(
            &problems,
            "ZWGK-204.yaml",
            line,
            &format!("{field}.working_days: 取值 4294967295 超出允许范围 1–3650"),
        );
        assert!(problems.contains(&format!("{field}.extension_working_days: 取值 0 ")));
    }

    #[test]
    fn weights_counts_and_periods_are_range_checked() {
        let problems = problems_with(&[
            ("ZWGK-204.yaml", "weight: 3", "weight: 1001"),
            ("ZWGK-203.yaml", "min: 3", "min: 0"),
            ("ZWGK-304.yaml", "max_gap_days: 14", "max_gap_days: 0"),
            ("ZWGK-304.yaml", "veto_at: 5", "veto_at: 10001"),
        ]);
        let cases = [
            (
                "ZWGK-204.yaml",
                "weight: 3",
                "weight: 取值 1001 超出允许范围 1–1000",
            ),
            (
                "ZWGK-203.yaml",
                "min: 3",
                "min: 取值 0 超出允许范围 1–10000",
            ),
            ("ZWGK-304.yaml", "max_gap_days: 14", "max_gap_days: 取值 0 "),
            ("ZWGK-304.yaml", "veto_at: 5", "veto_at: 取值 10001 "),
        ];
        for (file, text, message) in cases {
            let at = format!("{file}:{}: requirements[", line_of(file, text));
            assert!(
                problems
                    .lines()
                    .any(|l| l.contains(&at) && l.contains(message)),
                "missing {at}…{message} in:\n{problems}"
            );
        }
        assert_eq!(problems.lines().count(), cases.len(), "{problems}");
    }

    #[test]
    fn catalogue_yaml_numbers_are_range_checked() {
        let problems = problems_with(&[
            ("catalogue.yaml", "weight: 60", "weight: .nan"),
            ("catalogue.yaml", "min: 90", "min: 120"),
            ("catalogue.yaml", "standards: 18", "standards: 1000"),
        ]);
        let line = line_of("catalogue.yaml", "weight: 60");
        assert_reported(
            &problems,
            "catalogue.yaml",
            line,
            "subsystems[1].weight: 取值 NaN 超出允许范围 0–100（按百分制计）",
        );
        assert_reported(
            &problems,
            "catalogue.yaml",
            line_of("catalogue.yaml", "min: 90"),
            "grades[0].min: 取值 120 超出允许范围 0–100（按百分制计）",
        );
        assert!(
            problems.contains("subsystems[1].standards: 取值 1000 超出允许范围 0–100"),
            "{problems}"
        );
    }

    #[test]
    fn editions_must_be_in_order_with_their_own_numbers_ids_and_clauses() {
        let problems = problems_with(&[
            (
                "ZWGK-204.yaml",
                "  - number: Q/RGZW 204-2018\n    issued: 2018-05-20\n    effective: 2018-06-01",
                "  - number: Q/RGZW 204-2019\n    issued: 2018-05-20\n    effective: 2019-06-01",
            ),
            (
                "ZWGK-204.yaml",
                "id: reply-document-format-2018",
                "id: reply-document-format",
            ),
            (
                "ZWGK-204.yaml",
                "clause: \"5.3\"\n    check: manual",
                "clause: \"9.9\"\n    check: manual",
            ),
        ]);
        let line = line_of("ZWGK-204.yaml", "  - number: Q/RGZW 204-2018");
        assert_reported(
            &problems,
            "ZWGK-204.yaml",
            line,
            "editions[0].number: 版本号 Q/RGZW 204-2019 用了两次",
        );
        assert_reported(
            &problems,
            "ZWGK-204.yaml",
            line + 2,
            "editions[0].effective: 历次版本须从旧到新排列",
        );
        assert!(
            problems.contains(": requirements[1].id: 要求编号 reply-document-format 重复（各版本的要求编号不能相同）"),
            "{problems}"
        );
        assert!(
            problems.contains("requirements[1].clause: ZWGK-204 没有条款 9.9"),
            "{problems}"
        );
    }

    #[test]
    fn each_editions_requirements_are_in_force_only_while_their_edition_is() {
        let catalogue = Catalogue::load(&shipped()).unwrap();
        let standard = catalogue.standard("ZWGK-204").unwrap();
        let window = |id: &str| {
            let rule = standard.requirements.iter().find(|r| r.id == id).unwrap();
            let w = rule.in_force.unwrap();
            (
                w.from.map(|d| d.to_string()),
                w.to.map(|d| d.to_string()),
                rule.edition.clone(),
            )
        };
        assert_eq!(
            window("reply-within-limit"),
            (
                None,
                Some("2019-05-14".into()),
                Some("Q/RGZW 204-2018".into())
            )
        );
        assert_eq!(
            window("reply-within-limit-2019"),
            (Some("2019-05-15".into()), None, None)
        );
        let day = |d: &str| d.parse().unwrap();
        assert_eq!(standard.edition_on(day("2019-05-14")).0, "Q/RGZW 204-2018");
        assert_eq!(standard.edition_on(day("2019-05-15")).0, "Q/RGZW 204-2019");
    }
}
