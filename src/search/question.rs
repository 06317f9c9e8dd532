//! What a question asks beyond its subject: its question words and fillers (dropped from
//! matching) and the kind of answer they ask for.

use chrono::NaiveDate;

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

/// Asking what a disclosure holds (要公开哪些内容, 公示哪些要素) is asking for its
/// catalogue row, whose first column is 公开内容; rows are preferred among the matches.
const CONTENT_QUESTIONS: &[&str] = &[
    "哪些内容",
    "什么内容",
    "哪些要素",
    "什么要素",
    "哪些东西",
    "什么东西",
    "哪些事项",
];

pub fn asks_what_content(query: &str) -> bool {
    CONTENT_QUESTIONS.iter().any(|q| query.contains(q))
}

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

/// The day a question asks about, when it names one (2018年, 2020年度, 2019年5月以前,
/// 2019年5月14日前): a year stands for its middle, a month for its first day, and
/// 以前/之前/前 for the day before. Clauses in force that day answer it first.
pub fn day_asked(query: &str) -> Option<NaiveDate> {
    let chars: Vec<char> = query.chars().collect();
    let number = |at: usize, max: usize| -> (Option<u32>, usize) {
        let digits: String = chars[at.min(chars.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .take(max + 1)
            .collect();
        if digits.is_empty() || digits.len() > max {
            return (None, at);
        }
        (digits.parse().ok(), at + digits.len())
    };
    for start in 0..chars.len() {
        if start > 0 && chars[start - 1].is_ascii_digit() {
            continue;
        }
        let (Some(year), after) = number(start, 4) else {
            continue;
        };
        if after - start != 4 || chars.get(after) != Some(&'年') {
            continue;
        }
        let mut at = after + 1;
        let (month, day) = match number(at, 2) {
            (Some(month), next) if chars.get(next) == Some(&'月') => {
                at = next + 1;
                match number(at, 2) {
                    (Some(day), next) if matches!(chars.get(next), Some('日' | '号')) => {
                        at = next + 1;
                        (month, day)
                    }
                    _ => (month, 1),
                }
            }
            _ => (7, 1),
        };
        let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
        let rest: String = chars[at.min(chars.len())..].iter().take(2).collect();
        let before = rest.starts_with("以前") || rest.starts_with("之前") || rest.starts_with('前');
        return if before { date.pred_opt() } else { Some(date) };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn the_day_a_question_asks_about() {
        assert_eq!(day_asked("2018年办的依申请公开件"), day(2018, 7, 1));
        assert_eq!(day_asked("2020年度年报要填什么"), day(2020, 7, 1));
        assert_eq!(day_asked("2019年5月以前的申请"), day(2019, 4, 30));
        assert_eq!(day_asked("2019年5月14日前收到的"), day(2019, 5, 13));
        assert_eq!(day_asked("2021年9月1日起"), day(2021, 9, 1));
        assert_eq!(day_asked("Q/RGZW 204-2018 答复期限"), None);
        assert_eq!(day_asked("12018年"), None);
        assert_eq!(day_asked("2019年13月"), None);
        assert_eq!(day_asked("现在的答复期限"), None);
    }
}
