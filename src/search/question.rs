//! What a question asks beyond its subject: its question words and fillers (dropped from
//! matching) and the kind of answer they ask for.

use crate::index::tokenizer::words;

/// Question words and particles that say how a question is asked, not what it is about.
pub const QUESTION_WORDS: &[&str] = &[
    "什么",
    "怎么",
    "怎样",
    "如何",
    "哪些",
    "哪个",
    "哪里",
    "哪儿",
    "多久",
    "多长",
    "多长时间",
    "多少",
    "几天",
    "几个",
    "几日",
    "几次",
    "是否",
    "能否",
    "可以",
    "必须",
    "需要",
    "应该",
    "要求",
    "规定",
    "吗",
    "呢",
    "吧",
    "啊",
    "的",
    "了",
    "是",
    "要",
    "算",
    "有",
    "在",
    "和",
    "与",
    "及",
    "或",
    "么",
    "时候",
    "之前",
    "以内",
    "哪",
    "谁",
    "还",
    "都",
    "被",
    "把",
    "就",
    "会",
    "能",
    "该",
    "得",
    "不",
    "没",
    "我",
    "我们",
    "你",
    "他",
    "它",
];

/// Asking "how long" (多久, 几天 …) is asking for a time limit: clauses that state one
/// (期限, 时限, 工作日) are preferred among those that match the subject.
pub const DURATION_QUESTIONS: &[&str] =
    &["多久", "多长", "多长时间", "几天", "几日", "时候", "何时"];
pub const DURATION_WORDS: &[&str] = &["期限", "时限", "工作日"];
pub const DURATION_BOOST: f32 = 0.6;

/// Words a query may hold that the catalogue need not: the search dictionary keeps them so
/// that they are cut whole and recognised.
pub fn query_only_words() -> impl Iterator<Item = &'static str> {
    QUESTION_WORDS.iter().chain(DURATION_QUESTIONS).copied()
}

pub fn asks_how_long(jieba: &jieba_rs::Jieba, query: &str) -> bool {
    words(jieba, query, false)
        .iter()
        .any(|w| DURATION_QUESTIONS.contains(&w.text.as_str()))
}
