//! Finding codes and evidence: findings are data, with stable kebab-case codes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Stable finding codes, one per way a check fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum FindingCode {
    LatePublication,
    MissingPublication,
    MissingRequiredItem,
    StaleColumn,
    EmptyColumn,
    LateReply,
    Unanswered,
    MissingInterpretation,
    LateInterpretation,
    MissingElements,
    MissingChannel,
    ShortDisplay,
    UnreviewedPublication,
    InspectionFailed,
    /// An inspector's 不合格 on a unit-level requirement (the unit sheet, 单位核查).
    UnitInspectionFailed,
    /// A deadline fell in a year the working-day calendar lacks (result `error`).
    CalendarMissing,
}

impl FindingCode {
    #[cfg(test)]
    pub(crate) const ALL: [FindingCode; 16] = [
        FindingCode::LatePublication,
        FindingCode::MissingPublication,
        FindingCode::MissingRequiredItem,
        FindingCode::StaleColumn,
        FindingCode::EmptyColumn,
        FindingCode::LateReply,
        FindingCode::Unanswered,
        FindingCode::MissingInterpretation,
        FindingCode::LateInterpretation,
        FindingCode::MissingElements,
        FindingCode::MissingChannel,
        FindingCode::ShortDisplay,
        FindingCode::UnreviewedPublication,
        FindingCode::InspectionFailed,
        FindingCode::UnitInspectionFailed,
        FindingCode::CalendarMissing,
    ];

    pub(crate) fn code(self) -> &'static str {
        match self {
            FindingCode::LatePublication => "late-publication",
            FindingCode::MissingPublication => "missing-publication",
            FindingCode::MissingRequiredItem => "missing-required-item",
            FindingCode::StaleColumn => "stale-column",
            FindingCode::EmptyColumn => "empty-column",
            FindingCode::LateReply => "late-reply",
            FindingCode::Unanswered => "unanswered",
            FindingCode::MissingInterpretation => "missing-interpretation",
            FindingCode::LateInterpretation => "late-interpretation",
            FindingCode::MissingElements => "missing-elements",
            FindingCode::MissingChannel => "missing-channel",
            FindingCode::ShortDisplay => "short-display",
            FindingCode::UnreviewedPublication => "unreviewed-publication",
            FindingCode::InspectionFailed => "inspection-failed",
            FindingCode::UnitInspectionFailed => "unit-inspection-failed",
            FindingCode::CalendarMissing => "calendar-missing",
        }
    }

    /// The problem as a circular names it.
    pub(crate) fn description(self) -> &'static str {
        match self {
            FindingCode::LatePublication => "超期公开",
            FindingCode::MissingPublication => "应公开未公开",
            FindingCode::MissingRequiredItem => "应发布事项数量不足",
            FindingCode::StaleColumn => "栏目更新不及时",
            FindingCode::EmptyColumn => "空白栏目",
            FindingCode::LateReply => "超期答复",
            FindingCode::Unanswered => "逾期未答复",
            FindingCode::MissingInterpretation => "政策文件未解读",
            FindingCode::LateInterpretation => "政策解读不同步",
            FindingCode::MissingElements => "公开要素不全",
            FindingCode::MissingChannel => "公开渠道不全",
            FindingCode::ShortDisplay => "公示期不足",
            FindingCode::UnreviewedPublication => "未经保密审查发布",
            FindingCode::InspectionFailed => "抽查不合格",
            FindingCode::UnitInspectionFailed => "单位核查不合格",
            FindingCode::CalendarMissing => "工作日历缺少年份",
        }
    }
}

/// What a finding rests on. Fields that do not apply are left out of the JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Evidence {
    /// The record checked: item, register entry, application or message id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The day the clock started: information formed, application received, policy published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDate>,
    /// The day it was resolved: published, replied, interpreted, withdrawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done: Option<NaiveDate>,
    /// The last day on time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<NaiveDate>,
    /// Days counted from start to done (or to the period end when not done).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<i64>,
    /// The limit, e.g. 20个工作日.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    /// Missing elements or channels.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// Counted items (coverage) against the minimum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<u32>,
    /// How late it was done: 逾期3个工作日, 逾期1天.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue: Option<String>,
    /// What the inspector saw (核查所见), for a unit-level verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<String>,
    /// Line of the record in its CSV file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// A failed or partly met instance, as the results list it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Finding {
    /// `UNIT/STANDARD/REQUIREMENT/INSTANCE`, stable across quarters.
    pub id: String,
    pub unit: String,
    pub rule: String,
    pub clause: String,
    /// The earlier edition the rule belongs to (Q/RGZW 204-2018), when it is not the current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition: Option<String>,
    pub code: FindingCode,
    pub result: super::Outcome,
    pub credit: f64,
    pub message: String,
    pub evidence: Evidence,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_match_serde() {
        let codes: HashSet<&str> = FindingCode::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(codes.len(), FindingCode::ALL.len());
        for code in FindingCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), code.code());
            assert!(!code.description().is_empty());
        }
    }
}
