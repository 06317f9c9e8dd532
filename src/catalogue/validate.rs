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
                format!(
                    "duplicate id {}: also in {}",
                    s.record.id,
                    first.path.display()
                ),
            ));
        }
        for (i, item) in s.record.items.iter().enumerate() {
            if let Some(first) = first_with_code.insert(&item.code, s) {
                out(s.problem(
                    format!("items[{i}].code"),
                    format!(
                        "duplicate item code {}: also in {}",
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
                out(s.problem(
                    format!("supersedes[{i}]"),
                    format!("no standard {id} in the catalogue"),
                ));
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
                format!("digit {} used twice", sub.digit),
            ));
        }
        let at = |name: &str| format!("subsystems[{i}].{name}");
        report(meta, at("digit"), DIGIT.check(sub.digit), out);
        report(meta, at("weight"), SCORE.check(sub.weight), out);
        report(meta, at("standards"), STANDARDS.check(sub.standards), out);
    }
    let total: f64 = m.subsystems.iter().map(|s| s.weight).sum();
    if total <= 0.0 {
        out(meta.problem(
            "subsystems",
            "sub-system weights must add up to more than 0",
        ));
    }
    if m.grades.is_empty() {
        out(meta.problem("grades", "at least one grade band is needed"));
    }
    for (i, band) in m.grades.iter().enumerate() {
        report(meta, format!("grades[{i}].min"), SCORE.check(band.min), out);
    }
    for (i, pair) in m.grades.windows(2).enumerate() {
        if pair[1].min >= pair[0].min {
            out(meta.problem(
                format!("grades[{}].min", i + 1),
                format!(
                    "grade bands must go from best to worst: {} is not below {}",
                    pair[1].min, pair[0].min
                ),
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
        out(s.problem(
            "id",
            format!("id {} does not match the file name {stem}.yaml", std.id),
        ));
    }
    let digits = std.id.strip_prefix(&format!("{}-", meta.id_prefix));
    let digits = digits.filter(|d| d.len() == 3 && d.bytes().all(|b| b.is_ascii_digit()));
    match digits {
        None => out(s.problem(
            "id",
            format!("id {} is not {}-NNN (three digits)", std.id, meta.id_prefix),
        )),
        Some(digits) => {
            let first = digits.as_bytes()[0] - b'0';
            match meta.subsystems.iter().find(|sub| sub.digit == first) {
                None => {
                    out(s.problem("id", format!("no sub-system has ids starting with {first}")))
                }
                Some(sub) if sub.name != std.subsystem => out(s.problem(
                    "subsystem",
                    format!(
                        "{} belongs to {} by its id, not {}",
                        std.id, sub.name, std.subsystem
                    ),
                )),
                Some(_) => {}
            }
            if !std.number.contains(digits) {
                out(s.problem(
                    "number",
                    format!("number {} does not contain {digits}", std.number),
                ));
            }
            for (i, item) in std.items.iter().enumerate() {
                if !item.code.starts_with(&format!("{digits}-")) {
                    out(s.problem(
                        format!("items[{i}].code"),
                        format!(
                            "row code {} must start with the standard's number {digits}-",
                            item.code
                        ),
                    ));
                }
                check_item(s, i, item, meta, out);
            }
        }
    }
    if !meta.subsystems.iter().any(|sub| sub.name == std.subsystem) {
        out(s.problem("subsystem", format!("unknown sub-system {}", std.subsystem)));
    }
    if std.effective < std.issued {
        out(s.problem(
            "effective",
            format!(
                "takes effect ({}) before it is issued ({})",
                std.effective, std.issued
            ),
        ));
    }
    for (field, text) in [("title", &std.title), ("scope", &std.scope)] {
        if text.trim().is_empty() {
            out(s.problem(field, "must not be empty"));
        }
    }
    let mut ids = HashSet::new();
    for part in parts(std) {
        check_clauses(s, &part, out);
        for (i, req) in part.requirements.iter().enumerate() {
            if !ids.insert(req.id.as_str()) {
                out(s.problem(
                    format!("{}requirements[{i}].id", part.prefix),
                    format!(
                        "duplicate requirement id {} (ids are unique across editions)",
                        req.id
                    ),
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
        out(s.problem(
            format!("{prefix}clauses"),
            "a standard needs at least one clause",
        ));
    }
    let mut seen = HashSet::new();
    for (i, clause) in part.clauses.iter().enumerate() {
        if !seen.insert(clause.no.as_str()) {
            out(s.problem(
                format!("{prefix}clauses[{i}].no"),
                format!("duplicate clause number {}", clause.no),
            ));
        }
        if clause.text.trim().is_empty() {
            out(s.problem(
                format!("{prefix}clauses[{i}].text"),
                "clause text must not be empty",
            ));
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
                format!("number {} does not contain {digits}", edition.number),
            ));
        }
        if !numbers.insert(edition.number.as_str()) {
            out(s.problem(
                at("number"),
                format!("edition number {} is used twice", edition.number),
            ));
        }
        if edition.effective < edition.issued {
            out(s.problem(
                at("effective"),
                format!(
                    "takes effect ({}) before it is issued ({})",
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
                    "editions are listed oldest first: {} takes effect {}, not before {} ({})",
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
            format!("unknown area {area} (see catalogue.yaml areas)"),
        ));
    }
    for (c, channel) in item.channels.iter().enumerate() {
        if !meta.channels.contains(channel) {
            out(s.problem(
                format!("items[{i}].channels[{c}]"),
                format!("unknown channel {channel} (see catalogue.yaml channels)"),
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
            out(s.problem(field(name), "must list at least one value"));
        }
    }
    let limit = &item.time_limit;
    if limit.raw.trim().is_empty() {
        out(s.problem(
            field("time_limit.raw"),
            "keep the time limit as printed in the catalogue",
        ));
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
            "give working_days or calendar_days, not both",
        ));
    }
    if limit.kind.is_some() && (typed || limit.display_working_days.is_some()) {
        out(s.problem(
            field("time_limit.kind"),
            "kind is for limits that have no number of days",
        ));
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
            format!("requirement id {} must be kebab-case (a-z, 0-9, -)", req.id),
        ));
    }
    if !part.clauses.iter().any(|c| c.no == req.clause) {
        out(s.problem(
            at("clause"),
            format!("{} has no clause {}", std.id, req.clause),
        ));
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
        out(s.problem(at("veto_at"), "give veto or veto_at, not both"));
    }
    if let Some(window) = &req.in_force {
        if window
            .to
            .zip(window.from)
            .is_some_and(|(to, from)| to < from)
        {
            out(s.problem(at("in_force"), "in_force ends before it starts"));
        }
    }
    if let Some(applies) = &req.applies_to {
        for (a, area) in applies.areas.iter().enumerate() {
            if !meta.areas.contains(area) {
                out(s.problem(
                    at(&format!("applies_to.areas[{a}]")),
                    format!("unknown area {area} (see catalogue.yaml areas)"),
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
                format!("check {} needs `{}`", req.check.name(), param.name()),
            ));
        } else if set && !needed.contains(&param) && !allowed.contains(&param) {
            out(s.problem(
                at(param.name()),
                format!(
                    "`{}` is not used by check {}",
                    param.name(),
                    req.check.name()
                ),
            ));
        }
    }
    if req.check == CheckKind::Freshness && req.columns.is_none() && req.channel.is_none() {
        out(s.problem(
            at("check"),
            "check freshness needs `columns` (or `channel`, for every column on it)",
        ));
    }
    if let Some(channel) = req.channel.as_ref().filter(|c| !meta.channels.contains(c)) {
        out(s.problem(
            at("channel"),
            format!("unknown channel {channel} (see catalogue.yaml channels)"),
        ));
    }
    if req.page.as_ref().is_some_and(|p| p.trim().is_empty()) {
        out(s.problem(at("page"), "name the page the columns form (首页)"));
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
            out(s.problem(
                at(&format!("channels[{c}]")),
                format!("unknown channel {channel}"),
            ));
        }
    }
    for (c, code) in req.codes.iter().flatten().enumerate() {
        let field = at(&format!("codes[{c}]"));
        match items.get(code.as_str()) {
            None => out(s.problem(field, format!("no catalogue row with code {code}"))),
            Some(item)
                if req.check == CheckKind::Display
                    && item.time_limit.display_working_days.is_none() =>
            {
                out(s.problem(
                    field,
                    format!("row {code} has no display_working_days for a display check"),
                ))
            }
            Some(_) => {}
        }
    }
    if req.codes.as_ref().is_some_and(|c| c.is_empty()) {
        out(s.problem(
            at("codes"),
            "list at least one row code (or leave codes out where allowed)",
        ));
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
        return Some("give exactly one of working_days or calendar_days".into());
    }
    if limit.extension_working_days.is_some() && check != CheckKind::Response {
        return Some("extension_working_days applies to response checks only".into());
    }
    if check == CheckKind::Interpretation && limit.calendar_days.is_some() {
        return Some("interpretation limits are in working_days".into());
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
                            "in force at the same time as {} for clause {} ({}): their windows overlap",
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
                    "{} declares {} standards but the folder has {found}",
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
            "editions[0].number: edition number Q/RGZW 204-2019 is used twice",
        );
        assert_reported(
            &problems,
            "ZWGK-204.yaml",
            line + 2,
            "editions[0].effective: editions are listed oldest first",
        );
        assert!(
            problems.contains(": requirements[1].id: duplicate requirement id reply-document-format (ids are unique across editions)"),
            "{problems}"
        );
        assert!(
            problems.contains("requirements[1].clause: ZWGK-204 has no clause 9.9"),
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
