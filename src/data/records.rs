//! The rows of the audit's CSV files.

use chrono::NaiveDate;
use serde::Serialize;

pub const ITEM_COLUMNS: &[&str] = &[
    "id",
    "unit",
    "item_code",
    "column",
    "title",
    "channel",
    "published_on",
    "formed_on",
    "register_ref",
    "doc_no",
    "interprets",
    "reviewed",
    "withdrawn_on",
    "url",
    "text",
];
pub const REGISTER_COLUMNS: &[&str] = &["id", "unit", "item_code", "title", "formed_on", "doc_no"];
pub const APPLICATION_COLUMNS: &[&str] = &[
    "id",
    "unit",
    "received_on",
    "replied_on",
    "extended",
    "outcome",
    "applicant_type",
];
pub const MESSAGE_COLUMNS: &[&str] = &["id", "unit", "channel", "received_on", "replied_on"];

/// Index of a unit in `Dataset::units`.
pub type UnitIx = u16;

/// What a unit published (items.csv): one row per publication on one channel.
#[derive(Debug, Clone)]
pub struct Item {
    pub line: u32,
    pub id: Box<str>,
    pub unit: UnitIx,
    /// Catalogue row code; empty for items outside the catalogue (news, notices).
    pub item_code: Box<str>,
    /// Website column (栏目).
    pub column: Box<str>,
    pub title: Box<str>,
    pub channel: Box<str>,
    pub published_on: NaiveDate,
    pub formed_on: Option<NaiveDate>,
    pub register_ref: Option<Box<str>>,
    pub doc_no: Option<Box<str>>,
    /// Id of the policy item this item interprets (政策解读).
    pub interprets: Option<Box<str>>,
    /// Confidentiality review done; `None` when not recorded.
    pub reviewed: Option<bool>,
    pub withdrawn_on: Option<NaiveDate>,
    pub url: Box<str>,
    /// Body text; kept only for items whose elements are checked.
    pub text: Box<str>,
}

/// Information formed that falls under the catalogue (register.csv, 台账 / 中间库).
#[derive(Debug, Clone)]
pub struct RegisterEntry {
    pub line: u32,
    pub id: Box<str>,
    pub unit: UnitIx,
    pub item_code: Box<str>,
    pub title: Box<str>,
    pub formed_on: NaiveDate,
    pub doc_no: Option<Box<str>>,
}

/// A disclosure application (applications.csv).
#[derive(Debug, Clone)]
pub struct Application {
    pub line: u32,
    pub id: Box<str>,
    pub unit: UnitIx,
    pub received_on: NaiveDate,
    pub replied_on: Option<NaiveDate>,
    pub extended: bool,
    pub outcome: Option<Box<str>>,
    pub applicant_type: Option<Box<str>>,
}

/// A public message (留言/咨询, messages.csv).
#[derive(Debug, Clone)]
pub struct Message {
    pub line: u32,
    pub id: Box<str>,
    pub unit: UnitIx,
    pub channel: Box<str>,
    pub received_on: NaiveDate,
    pub replied_on: Option<NaiveDate>,
}

/// Outcome categories of the annual report's section 三 (2021 format): (大类, 小类).
pub const OUTCOMES: &[(&str, &[&str])] = &[
    ("予以公开", &[]),
    ("部分公开", &[]),
    (
        "不予公开",
        &[
            "属于国家秘密",
            "其他法律行政法规禁止公开",
            "危及“三安全一稳定”",
            "保护第三方合法权益",
            "属于三类内部事务信息",
            "属于四类过程性信息",
            "属于行政执法案卷",
            "属于行政查询事项",
        ],
    ),
    (
        "无法提供",
        &[
            "本机关不掌握相关政府信息",
            "没有现成信息需要另行制作",
            "补正后申请内容仍不明确",
        ],
    ),
    (
        "不予处理",
        &[
            "信访举报投诉类申请",
            "重复申请",
            "要求提供公开出版物",
            "无正当理由大量反复申请",
            "要求行政机关确认或重新出具已获取信息",
        ],
    ),
    (
        "其他处理",
        &[
            "申请人无正当理由逾期不补正",
            "申请人逾期未按收费通知缴费",
            "其他",
        ],
    ),
];

/// Applicant categories of the annual report: 自然人, and the five kinds of 法人或其他组织.
pub const APPLICANT_TYPES: &[&str] = &[
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
];

/// Whether `outcome` is `大类` (for categories without sub-categories) or `大类/小类`.
pub fn valid_outcome(outcome: &str) -> bool {
    let (major, minor) = match outcome.split_once('/') {
        Some((major, minor)) => (major, Some(minor)),
        None => (outcome, None),
    };
    OUTCOMES.iter().any(|(name, subs)| {
        *name == major
            && match minor {
                None => subs.is_empty(),
                Some(minor) => subs.contains(&minor),
            }
    })
}

/// Counts of rows read, per file, for the report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RowCounts {
    pub items: usize,
    pub register: usize,
    pub applications: usize,
    pub messages: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_categories() {
        assert!(valid_outcome("予以公开"));
        assert!(valid_outcome("不予公开/属于国家秘密"));
        assert!(valid_outcome("无法提供/本机关不掌握相关政府信息"));
        assert!(
            !valid_outcome("不予公开"),
            "a category with sub-categories needs one"
        );
        assert!(!valid_outcome("予以公开/全部"));
        assert!(!valid_outcome("同意公开"));
    }
}
