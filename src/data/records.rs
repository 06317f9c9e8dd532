//! The rows of the audit's CSV files.

use std::sync::Arc;

use chrono::NaiveDate;

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
    /// Catalogue row code; empty for items outside the catalogue (news, notices). Shared
    /// with the catalogue's vocabulary rather than copied per row.
    pub item_code: Arc<str>,
    pub channel: Arc<str>,
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
    pub item_code: Arc<str>,
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
    // Validated against the official categories; the statutory annual report counts them.
    #[allow(dead_code)]
    pub outcome: Option<Box<str>>,
    #[allow(dead_code)]
    pub applicant_type: Option<Box<str>>,
}

/// A public message (留言/咨询, messages.csv).
#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub line: u32,
    pub id: Box<str>,
    pub unit: UnitIx,
    // Validated against the channel vocabulary (messages.csv 渠道).
    #[allow(dead_code)]
    pub channel: Arc<str>,
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
record!(RegisterEntry, Application, Message);

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

/// Short labels of 其他处理 used before the official full ones, still accepted.
const LEGACY_OUTCOMES: &[&str] = &[
    "其他处理/申请人无正当理由逾期不补正",
    "其他处理/申请人逾期未按收费通知缴费",
];

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

/// Whether `outcome` is `大类` (for categories without sub-categories) or `大类/小类`.
pub(crate) fn valid_outcome(outcome: &str) -> bool {
    if LEGACY_OUTCOMES.contains(&outcome) {
        return true;
    }
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
        assert!(valid_outcome(
            "其他处理/申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
        ));
        assert!(
            valid_outcome("其他处理/申请人无正当理由逾期不补正"),
            "the short label is still read"
        );
    }
}
