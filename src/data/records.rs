//! The rows of the audit's CSV files.

use chrono::NaiveDate;
use ustr::Ustr;

use super::table::Record;

pub(crate) const ITEM_COLUMNS: &[&str] = &[
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
pub(crate) const REGISTER_COLUMNS: &[&str] =
    &["id", "unit", "item_code", "title", "formed_on", "doc_no"];
pub(crate) const APPLICATION_COLUMNS: &[&str] = &[
    "id",
    "unit",
    "received_on",
    "replied_on",
    "extended",
    "outcome",
    "applicant_type",
];
pub(crate) const MESSAGE_COLUMNS: &[&str] = &["id", "unit", "channel", "received_on", "replied_on"];
pub(crate) const CASE_COLUMNS: &[&str] = &[
    "id",
    "unit",
    "application",
    "kind",
    "filed_on",
    "result",
    "concluded_on",
];

/// Index of a unit in `Dataset::units`.
pub(crate) type UnitIx = u16;

/// What a unit published (items.csv): one row per publication on one channel.
///
/// The free-text fields are packed into one allocation (`ItemText`): a quarter at
/// province scale holds millions of items, and one allocation per field would double
/// the memory they take.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub line: u32,
    pub unit: UnitIx,
    /// Catalogue row code; empty for items outside the catalogue (news, notices). Interned
    /// (8 bytes, copied without a reference count): only the catalogue's vocabulary is
    /// interned, never a value read from a file, so the interner stays a few KB.
    pub item_code: Ustr,
    pub channel: Ustr,
    pub published_on: NaiveDate,
    // Loaded and validated as part of the data contract (items.csv 形成日期).
    #[allow(dead_code)]
    pub formed_on: Option<NaiveDate>,
    /// Confidentiality review done; `None` when not recorded.
    pub reviewed: Option<bool>,
    pub withdrawn_on: Option<NaiveDate>,
    pub strings: ItemText,
}

/// The text fields of an item, in one allocation.
#[derive(Debug, Clone, Default)]
pub(crate) struct ItemText {
    packed: Box<str>,
    ends: [u32; ItemText::FIELDS],
}

impl ItemText {
    const FIELDS: usize = 8;
    const ID: usize = 0;
    const COLUMN: usize = 1;
    const TITLE: usize = 2;
    const URL: usize = 3;
    const REGISTER_REF: usize = 4;
    const DOC_NO: usize = 5;
    const INTERPRETS: usize = 6;
    const TEXT: usize = 7;

    /// Fields in order: id, column, title, url, register_ref, doc_no, interprets, text
    /// (empty for absent).
    pub(crate) fn new(fields: [&str; ItemText::FIELDS]) -> ItemText {
        let mut packed = String::with_capacity(fields.iter().map(|f| f.len()).sum());
        let mut ends = [0u32; ItemText::FIELDS];
        for (i, field) in fields.iter().enumerate() {
            packed.push_str(field);
            ends[i] = packed.len() as u32;
        }
        ItemText {
            packed: packed.into_boxed_str(),
            ends,
        }
    }

    fn get(&self, field: usize) -> &str {
        let start = if field == 0 {
            0
        } else {
            self.ends[field - 1] as usize
        };
        &self.packed[start..self.ends[field] as usize]
    }

    fn optional(&self, field: usize) -> Option<&str> {
        Some(self.get(field)).filter(|v| !v.is_empty())
    }
}

/// An item's text fields, owned, for editing.
#[cfg(test)]
#[derive(Debug, Clone, Default)]
pub(crate) struct ItemFields {
    pub id: String,
    pub column: String,
    pub title: String,
    pub url: String,
    pub register_ref: String,
    pub doc_no: String,
    pub interprets: String,
    pub text: String,
}

#[cfg(test)]
impl ItemFields {
    pub(crate) fn pack(&self) -> ItemText {
        ItemText::new([
            &self.id,
            &self.column,
            &self.title,
            &self.url,
            &self.register_ref,
            &self.doc_no,
            &self.interprets,
            &self.text,
        ])
    }
}

impl Item {
    pub(crate) fn id(&self) -> &str {
        self.strings.get(ItemText::ID)
    }
    /// Website column (栏目).
    pub(crate) fn column(&self) -> &str {
        self.strings.get(ItemText::COLUMN)
    }
    pub(crate) fn title(&self) -> &str {
        self.strings.get(ItemText::TITLE)
    }
    pub(crate) fn url(&self) -> &str {
        self.strings.get(ItemText::URL)
    }
    /// The register entry (台账) this item publishes.
    pub(crate) fn register_ref(&self) -> Option<&str> {
        self.strings.optional(ItemText::REGISTER_REF)
    }
    pub(crate) fn doc_no(&self) -> Option<&str> {
        self.strings.optional(ItemText::DOC_NO)
    }
    /// Id of the policy item this item interprets (政策解读).
    pub(crate) fn interprets(&self) -> Option<&str> {
        self.strings.optional(ItemText::INTERPRETS)
    }
    /// Body text; kept only for items whose elements are checked.
    pub(crate) fn text(&self) -> &str {
        self.strings.get(ItemText::TEXT)
    }

    /// Changes text fields and repacks them.
    #[cfg(test)]
    pub(crate) fn edit_text(&mut self, edit: impl FnOnce(&mut ItemFields)) {
        let s = &self.strings;
        let mut fields = ItemFields {
            id: s.get(ItemText::ID).into(),
            column: s.get(ItemText::COLUMN).into(),
            title: s.get(ItemText::TITLE).into(),
            url: s.get(ItemText::URL).into(),
            register_ref: s.get(ItemText::REGISTER_REF).into(),
            doc_no: s.get(ItemText::DOC_NO).into(),
            interprets: s.get(ItemText::INTERPRETS).into(),
            text: s.get(ItemText::TEXT).into(),
        };
        edit(&mut fields);
        self.strings = fields.pack();
    }
}

impl Record for Item {
    fn id(&self) -> &str {
        Item::id(self)
    }
    fn line(&self) -> u32 {
        self.line
    }
}

/// Information formed that falls under the catalogue (register.csv, 台账 / 中间库).
#[derive(Debug, Clone)]
pub(crate) struct RegisterEntry {
    pub line: u32,
    pub id: Box<str>,
    pub unit: UnitIx,
    pub item_code: Ustr,
    pub title: Box<str>,
    pub formed_on: NaiveDate,
    // Loaded and validated as part of the data contract (register.csv 文号).
    #[allow(dead_code)]
    pub doc_no: Option<Box<str>>,
}

/// A disclosure application (applications.csv).
#[derive(Debug, Clone)]
pub(crate) struct Application {
    pub line: u32,
    pub id: Box<str>,
    pub unit: UnitIx,
    pub received_on: NaiveDate,
    pub replied_on: Option<NaiveDate>,
    pub extended: bool,
    pub outcome: Option<OutcomeCode>,
    /// The outcome was written with an abbreviated label of older data.
    pub legacy_outcome: bool,
    /// Index into [`APPLICANT_TYPES`].
    pub applicant_type: Option<u8>,
}

/// An administrative review or lawsuit over disclosure (cases.csv), for section 四 of the
/// statutory annual report.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub line: u32,
    pub id: Box<str>,
    pub unit: UnitIx,
    pub application: Option<Box<str>>,
    pub kind: CaseKind,
    pub filed_on: NaiveDate,
    /// `None` while pending.
    pub result: Option<CaseResult>,
    pub concluded_on: Option<NaiveDate>,
}

/// 行政复议, or a lawsuit filed directly or after review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum CaseKind {
    Review,
    DirectSuit,
    SuitAfterReview,
}

impl CaseKind {
    pub(crate) const ALL: [CaseKind; 3] = [
        CaseKind::Review,
        CaseKind::DirectSuit,
        CaseKind::SuitAfterReview,
    ];

    /// The label cases.csv uses.
    pub(crate) fn label(self) -> &'static str {
        match self {
            CaseKind::Review => "行政复议",
            CaseKind::DirectSuit => "直接起诉",
            CaseKind::SuitAfterReview => "复议后起诉",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<CaseKind> {
        CaseKind::ALL.into_iter().find(|k| k.label() == text)
    }
}

/// How a concluded case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum CaseResult {
    Upheld,
    Corrected,
    Other,
}

impl CaseResult {
    pub(crate) const ALL: [CaseResult; 3] =
        [CaseResult::Upheld, CaseResult::Corrected, CaseResult::Other];

    pub(crate) fn label(self) -> &'static str {
        match self {
            CaseResult::Upheld => "维持",
            CaseResult::Corrected => "纠正",
            CaseResult::Other => "其他",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<CaseResult> {
        CaseResult::ALL.into_iter().find(|r| r.label() == text)
    }
}

/// A public message (留言/咨询, messages.csv).
#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub line: u32,
    pub id: Box<str>,
    pub unit: UnitIx,
    // Validated against the channel vocabulary (messages.csv 渠道).
    #[allow(dead_code)]
    pub channel: Ustr,
    pub received_on: NaiveDate,
    pub replied_on: Option<NaiveDate>,
}

macro_rules! record {
    ($($t:ty),*) => {$(
        impl Record for $t {
            fn id(&self) -> &str {
                &self.id
            }
            fn line(&self) -> u32 {
                self.line
            }
        }
    )*};
}
record!(RegisterEntry, Application, Message, Case);

/// Outcome categories of the annual report's section 三 (2021 format): (大类, 小类).
pub(crate) const OUTCOMES: &[(&str, &[&str])] = &[
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
            "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "其他",
        ],
    ),
];

/// Abbreviations of the two 其他处理 sub-categories that older data uses, and the official
/// labels they stand for.
pub(crate) const LEGACY_OUTCOMES: &[(&str, &str)] = &[
    (
        "其他处理/申请人无正当理由逾期不补正",
        "其他处理/申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    (
        "其他处理/申请人逾期未按收费通知缴费",
        "其他处理/申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
];

/// An outcome category: the index of its 大类 in [`OUTCOMES`] and of its 小类, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct OutcomeCode {
    pub major: u8,
    pub minor: Option<u8>,
}

impl OutcomeCode {
    /// `大类` (for categories without sub-categories) or `大类/小类`, with the official
    /// labels; `None` when it is neither.
    pub(crate) fn parse(outcome: &str) -> Option<OutcomeCode> {
        let (major, minor) = match outcome.split_once('/') {
            Some((major, minor)) => (major, Some(minor)),
            None => (outcome, None),
        };
        let at = OUTCOMES.iter().position(|(name, _)| *name == major)?;
        let subs = OUTCOMES[at].1;
        let minor = match minor {
            None if subs.is_empty() => None,
            Some(minor) => Some(subs.iter().position(|s| *s == minor)? as u8),
            None => return None,
        };
        Some(OutcomeCode {
            major: at as u8,
            minor,
        })
    }

    /// The official label, `大类/小类`.
    #[cfg(test)]
    pub(crate) fn label(self) -> String {
        let (major, subs) = OUTCOMES[usize::from(self.major)];
        match self.minor {
            Some(minor) => format!("{major}/{}", subs[usize::from(minor)]),
            None => major.to_string(),
        }
    }
}

/// The outcome, and whether it was written with an abbreviation of older data.
pub(crate) fn parse_outcome(outcome: &str) -> Option<(OutcomeCode, bool)> {
    if let Some(code) = OutcomeCode::parse(outcome) {
        return Some((code, false));
    }
    let (_, official) = LEGACY_OUTCOMES
        .iter()
        .find(|(short, _)| *short == outcome)?;
    Some((OutcomeCode::parse(official)?, true))
}

/// Applicant categories of the annual report: 自然人, and the five kinds of 法人或其他组织.
pub(crate) const APPLICANT_TYPES: &[&str] = &[
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
];

/// Whether `url` is a web address (http or https), the only kind an output links to.
pub(crate) fn is_web_url(url: &str) -> bool {
    let url = url.trim().as_bytes();
    let scheme = |prefix: &[u8]| {
        url.len() > prefix.len() && url[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    scheme(b"http://") || scheme(b"https://")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(outcome: &str) -> bool {
        parse_outcome(outcome).is_some()
    }

    #[test]
    fn outcome_categories() {
        assert!(valid("予以公开"));
        assert!(valid("不予公开/属于国家秘密"));
        assert!(valid("无法提供/本机关不掌握相关政府信息"));
        assert!(
            !valid("不予公开"),
            "a category with sub-categories needs one"
        );
        assert!(!valid("予以公开/全部"));
        assert!(!valid("同意公开"));
    }

    #[test]
    fn official_labels_round_trip() {
        for (major, subs) in OUTCOMES {
            let labels: Vec<String> = if subs.is_empty() {
                vec![major.to_string()]
            } else {
                subs.iter().map(|s| format!("{major}/{s}")).collect()
            };
            for label in labels {
                let (code, legacy) = parse_outcome(&label).unwrap();
                assert!(!legacy);
                assert_eq!(code.label(), label);
            }
        }
    }

    #[test]
    fn abbreviated_outcomes_of_older_data_map_to_the_official_labels() {
        let (code, legacy) = parse_outcome("其他处理/申请人无正当理由逾期不补正").unwrap();
        assert!(legacy);
        assert_eq!(
            code.label(),
            "其他处理/申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
        );
        let (code, _) = parse_outcome("其他处理/申请人逾期未按收费通知缴费").unwrap();
        assert_eq!(
            code.label(),
            "其他处理/申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
        );
    }
}
