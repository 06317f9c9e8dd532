//! The catalogue's records as written in YAML.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::rule::{Limit, Requirement};

/// `standards/catalogue.yaml`: what the catalogue is and how it scores.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueMeta {
    pub name: String,
    pub version: String,
    pub jurisdiction: String,
    /// Office that maintains the catalogue and issues the circulars.
    pub issuer: String,
    /// Prefix of standard ids, `ZWGK` in `ZWGK-204`.
    pub id_prefix: String,
    /// The jurisdiction's short name in document numbers (皋 in 皋政发〔2018〕3号); by
    /// default its first character.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abbreviation: Option<String>,
    /// The government portal's address, under which generated items get their pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    pub subsystems: Vec<Subsystem>,
    /// Grade bands, best first; the last one catches every lower score.
    pub grades: Vec<GradeBand>,
    /// Areas (领域) that units and `applies_to` may name.
    pub areas: Vec<String>,
    /// Channel vocabulary (公开渠道和载体) that catalogue rows and items may name.
    pub channels: Vec<String>,
    /// Alternative wordings of required elements, accepted when checking elements.
    #[serde(default)]
    pub synonyms: BTreeMap<String, Vec<String>>,
    /// Terms the Chinese tokenizer keeps whole (依申请公开, 预决算 …).
    #[serde(default)]
    pub dictionary: Vec<String>,
    /// How the annual evaluation is composed and graded.
    #[serde(default)]
    pub annual: AnnualRules,
    /// Standards the circulars cite as their basis (the evaluation method, the spot-check
    /// rules), by id.
    #[serde(default)]
    pub circular_basis: Vec<String>,
}

/// `annual:` in catalogue.yaml: the annual score as the weighted sum of the quarterly
/// average and the year-end review (年终集中考核), and the share of units a grade may go to
/// (优秀 at most 30 %). Another county may differ, so these are data, not code.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AnnualRules {
    /// Percent of the annual score from the quarterly average.
    pub quarterly_percent: f64,
    /// Percent from the year-end review.
    pub review_percent: f64,
    /// Grade name → at most this percent of the units assessed.
    #[serde(default)]
    pub grade_caps: BTreeMap<String, f64>,
}

impl Default for AnnualRules {
    /// The quarterly average alone, no caps.
    fn default() -> AnnualRules {
        AnnualRules {
            quarterly_percent: 100.0,
            review_percent: 0.0,
            grade_caps: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Subsystem {
    pub name: String,
    /// First digit of the ids of its standards (1 for ZWGK-1xx).
    pub digit: u8,
    /// Weight in the total score (default model).
    pub weight: f64,
    /// How many standards the sub-system declares.
    pub standards: usize,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GradeBand {
    pub name: String,
    pub min: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
pub enum Status {
    #[serde(rename = "现行")]
    Current,
    #[serde(rename = "即将实施")]
    Upcoming,
    #[serde(rename = "废止")]
    Repealed,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Current, Status::Upcoming, Status::Repealed];

    pub fn label(self) -> &'static str {
        match self {
            Status::Current => "现行",
            Status::Upcoming => "即将实施",
            Status::Repealed => "废止",
        }
    }

    pub fn from_label(label: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.label() == label)
    }
}

/// One standard, `standards/<id>.yaml`. Read with its requirements as written
/// ([`RequirementRecord`]); validation turns them into typed [`Requirement`]s.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Standard<R = Requirement> {
    pub id: String,
    pub number: String,
    pub title: String,
    pub subsystem: String,
    pub status: Status,
    pub issued: NaiveDate,
    pub effective: NaiveDate,
    #[serde(default)]
    pub supersedes: Vec<String>,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub scope: String,
    pub clauses: Vec<Clause>,
    #[serde(default)]
    pub items: Vec<CatalogueItem>,
    /// The current edition's requirements as written; once validated, every edition's,
    /// each in force only while its edition is (see [`Standard::editions`]).
    #[serde(default = "Vec::new")]
    pub requirements: Vec<R>,
    /// Earlier editions, oldest first, each superseded on the day the next takes effect
    /// (the current edition, described by the fields above, last).
    #[serde(default = "Vec::new", skip_serializing_if = "Vec::is_empty")]
    pub editions: Vec<Edition<R>>,
}

/// An earlier edition of a standard: its own number, dates, clauses and requirements.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Edition<R = Requirement> {
    pub number: String,
    pub issued: NaiveDate,
    pub effective: NaiveDate,
    /// The edition's scope, when it differs from the current one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    pub clauses: Vec<Clause>,
    #[serde(default = "Vec::new")]
    pub requirements: Vec<R>,
}

impl<R> Edition<R> {
    pub fn clause(&self, no: &str) -> Option<&Clause> {
        self.clauses.iter().find(|c| c.no == no)
    }
}

impl<R> Standard<R> {
    /// The same standard with other requirements (the typed ones, once validated): the
    /// current edition's and, per earlier edition, that edition's.
    pub fn with_requirements<Q>(
        self,
        requirements: Vec<Q>,
        mut per_edition: Vec<Vec<Q>>,
    ) -> Standard<Q> {
        let editions = self
            .editions
            .into_iter()
            .enumerate()
            .map(|(e, edition)| Edition {
                number: edition.number,
                issued: edition.issued,
                effective: edition.effective,
                scope: edition.scope,
                clauses: edition.clauses,
                requirements: std::mem::take(per_edition.get_mut(e).unwrap_or(&mut Vec::new())),
            })
            .collect();
        Standard {
            id: self.id,
            number: self.number,
            title: self.title,
            subsystem: self.subsystem,
            status: self.status,
            issued: self.issued,
            effective: self.effective,
            supersedes: self.supersedes,
            references: self.references,
            keywords: self.keywords,
            scope: self.scope,
            clauses: self.clauses,
            items: self.items,
            requirements,
            editions,
        }
    }

    /// When earlier edition `e` (or the current one, `e == editions.len()`) was in force:
    /// from its effective date to the day before the next edition's. The first edition
    /// also covers the days before it, as the law it carries did.
    pub fn edition_window(&self, e: usize) -> InForce {
        let effective = |i: usize| {
            self.editions
                .get(i)
                .map(|ed| ed.effective)
                .unwrap_or(self.effective)
        };
        InForce {
            from: (e > 0).then(|| effective(e)),
            to: (e < self.editions.len())
                .then(|| effective(e + 1).pred_opt().unwrap_or(effective(e + 1))),
        }
    }

    /// The edition in force on `day`: its number and clauses (the current edition's when
    /// `day` is on or after its effective date).
    pub fn edition_on(&self, day: NaiveDate) -> (&str, &[Clause]) {
        for (e, edition) in self.editions.iter().enumerate() {
            if self.edition_window(e).to.is_some_and(|to| day <= to) {
                return (&edition.number, &edition.clauses);
            }
        }
        (&self.number, &self.clauses)
    }

    pub fn clause(&self, no: &str) -> Option<&Clause> {
        self.clauses.iter().find(|c| c.no == no)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    pub no: String,
    pub title: String,
    pub text: String,
}

/// A row of the disclosure catalogue (公开事项标准目录).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueItem {
    pub code: String,
    /// The grass-roots area (领域) the row belongs to; rows that serve every unit (基础目录,
    /// 办事服务, 年度报告) name none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    pub level1: String,
    #[serde(default)]
    pub level2: Option<String>,
    #[serde(default)]
    pub level3: Option<String>,
    pub elements: Vec<String>,
    #[serde(default)]
    pub basis: Vec<String>,
    pub time_limit: TimeLimit,
    pub subject: String,
    pub channels: Vec<String>,
    pub audience: Vec<Audience>,
    pub mode: Vec<Mode>,
    pub level: Vec<Level>,
}

impl CatalogueItem {
    /// 一级 / 二级 / 三级 joined, as printed in a catalogue.
    pub fn name(&self) -> String {
        [
            Some(&self.level1),
            self.level2.as_ref(),
            self.level3.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" / ")
    }
}

/// 公开时限: the printed phrase plus its machine-checkable form.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TimeLimit {
    pub raw: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_working_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<LimitKind>,
}

impl TimeLimit {
    /// The limit as a number of days; `None` for 实时, 及时 … (not machine-checkable).
    pub fn days(&self) -> Option<Limit> {
        Limit::from_days(self.working_days, self.calendar_days)
    }
}

/// Time limits that are not machine-checkable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    Realtime,
    Timely,
    BeforeEvent,
    Refresh,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Audience {
    #[serde(rename = "全社会")]
    Public,
    #[serde(rename = "特定群体")]
    Group,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Mode {
    #[serde(rename = "主动")]
    Proactive,
    #[serde(rename = "依申请")]
    OnRequest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Level {
    #[serde(rename = "县级")]
    County,
    #[serde(rename = "乡级")]
    Township,
    #[serde(rename = "村级")]
    Village,
}

impl Audience {
    pub fn label(self) -> &'static str {
        match self {
            Audience::Public => "全社会",
            Audience::Group => "特定群体",
        }
    }
}

impl Mode {
    pub fn label(self) -> &'static str {
        match self {
            Mode::Proactive => "主动",
            Mode::OnRequest => "依申请",
        }
    }
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::County => "县级",
            Level::Township => "乡级",
            Level::Village => "村级",
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AppliesTo {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<UnitKind>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Department,
    Town,
}

/// The administrative level a jurisdiction's name ends in (如皋市 → 市, 临江县 → 县), for
/// 全市 / 全县 and 市级部门 / 县级部门; 市 when the name says none.
pub fn level_of(jurisdiction: &str) -> char {
    jurisdiction
        .chars()
        .last()
        .filter(|c| "市县区旗".contains(*c))
        .unwrap_or('市')
}

impl UnitKind {
    /// 市级部门 / 镇（区、街道） in a 市, 县级部门 / 乡镇（街道） in a 县.
    pub fn label(self, jurisdiction: &str) -> String {
        let level = level_of(jurisdiction);
        match (self, level) {
            (UnitKind::Department, _) => format!("{level}级部门"),
            (UnitKind::Town, '市') => "镇（区、街道）".into(),
            (UnitKind::Town, _) => "乡镇（街道）".into(),
        }
    }
}

/// Validity window, both ends inclusive; an open end is unbounded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InForce {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
}

impl InForce {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|from| day >= from) && self.to.is_none_or(|to| day <= to)
    }

    pub fn overlaps(&self, other: &InForce) -> bool {
        let ends_before =
            |a: &InForce, b: &InForce| a.to.zip(b.from).is_some_and(|(to, from)| to < from);
        !ends_before(self, other) && !ends_before(other, self)
    }

    /// The days both windows hold, if any.
    pub fn within(&self, other: &InForce) -> Option<InForce> {
        let later = |a: Option<NaiveDate>, b: Option<NaiveDate>| a.max(b);
        let earlier = |a: Option<NaiveDate>, b: Option<NaiveDate>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let window = InForce {
            from: later(self.from, other.from),
            to: earlier(self.to, other.to),
        };
        self.overlaps(other).then_some(window)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Per {
    Period,
    Month,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Applications,
    Messages,
}
