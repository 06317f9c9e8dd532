//! What a question asks beyond its subject: its question words and fillers (dropped from
//! matching) and the kind of answer they ask for.

use chrono::NaiveDate;

use crate::index::tokenizer::{words, Word};

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
    "怎么办",
    "咋办",
    "怎么弄",
    "为什么",
    "为啥",
    "啥",
    "咋",
    "一下",
    "的话",
    "麻烦",
    "这个",
    "那个",
    "这种",
    "那种",
    "老是",
    "总是",
    "到底",
    "请问",
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

/// `query` with the dates it names (2021年度, 2019年5月14日前) made spaces: a date says
/// which edition answers (see [`day_asked`]), the text does not contain it.
pub fn without_dates(query: &str) -> String {
    let chars: Vec<char> = query.chars().collect();
    let mut out = String::with_capacity(query.len());
    let mut at = 0;
    for date in dates_named(&chars) {
        out.extend(&chars[at..date.start]);
        out.push(' ');
        // 2021年度: the 度 of a year goes with it.
        let year_only = date.month.is_none() && chars.get(date.end) == Some(&'度');
        at = date.end + usize::from(year_only);
    }
    out.extend(&chars[at..]);
    out
}

/// A date a question names: 2019年, 2019年5月, 2019年5月14日 (or 号); `start` and `end`
/// are char positions.
struct DateNamed {
    start: usize,
    end: usize,
    year: i32,
    month: Option<u32>,
    day: Option<u32>,
}

/// The dates `chars` names, in order: four digits and 年, then the month and the day
/// when given.
fn dates_named(chars: &[char]) -> Vec<DateNamed> {
    // A number of at most `max` digits at `at`, followed by one of `marks`: its value and
    // the position after the mark.
    let number = |at: usize, max: usize, marks: &[char]| -> Option<(u32, usize)> {
        let digits = chars[at.min(chars.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let end = at + digits;
        if digits == 0 || digits > max || !chars.get(end).is_some_and(|c| marks.contains(c)) {
            return None;
        }
        let value = chars[at..end].iter().collect::<String>().parse().ok()?;
        Some((value, end + 1))
    };
    let mut dates = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let year = (start == 0 || !chars[start - 1].is_ascii_digit())
            .then(|| number(start, 4, &['年']))
            .flatten()
            .filter(|&(_, end)| end - start == 5);
        let Some((year, end)) = year else {
            start += 1;
            continue;
        };
        let mut date = DateNamed {
            start,
            end,
            year: year as i32,
            month: None,
            day: None,
        };
        if let Some((month, end)) = number(date.end, 2, &['月']) {
            (date.month, date.end) = (Some(month), end);
            if let Some((day, end)) = number(date.end, 2, &['日', '号']) {
                (date.day, date.end) = (Some(day), end);
            }
        }
        start = date.end;
        dates.push(date);
    }
    dates
}

/// `query` with its yes-or-no questions (要不要, 会不会, 能不能, 是不是, 有没有, and the
/// 不 of 需不需要) made spaces: they ask whether, and jieba would cut them into words
/// (不要, 不能) that are then searched for.
pub fn without_yes_no(query: &str) -> String {
    let chars: Vec<char> = query.chars().collect();
    let mut out = String::with_capacity(query.len());
    let mut at = 0;
    while at < chars.len() {
        let asks = at + 2 < chars.len()
            && matches!(chars[at + 1], '不' | '没')
            && chars[at] == chars[at + 2]
            && !chars[at].is_ascii();
        if asks {
            out.push(' ');
            at += 3;
        } else {
            out.push(chars[at]);
            at += 1;
        }
    }
    out
}

/// `query` with each question number (几, 多少) and the measure it asks about made a
/// space: 几天 and 几个 ask for the figure the answer gives. Where the character before
/// and the measure make a word, they are joined: 扣几分 is 扣分, as the text writes it.
pub fn without_question_numbers(jieba: &jieba_rs::Jieba, query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    let mut rest = query;
    while let Some(c) = rest.chars().next() {
        let number = ["几", "多少"].into_iter().find(|n| rest.starts_with(n));
        let measure = number.and_then(|n| rest[n.len()..].chars().next().map(|m| (n, m)));
        match measure {
            Some((n, m)) if MEASURES.contains(&m) => {
                let joins = out
                    .chars()
                    .last()
                    .is_some_and(|before| jieba.has_word(&format!("{before}{m}")));
                out.push(if joins { m } else { ' ' });
                rest = &rest[n.len() + m.len_utf8()..];
            }
            _ => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

/// The measure words a question number asks about.
const MEASURES: &[char] = &[
    '天', '日', '个', '分', '次', '年', '月', '周', '项', '名', '人', '种', '家', '条',
];

/// A word jieba guessed (not in its dictionary) with the particles it glued on dropped:
/// 要配 is 配, 复文要 is 复文.
pub fn without_particles(jieba: &jieba_rs::Jieba, mut word: Word) -> Word {
    let particle = |c: char| {
        let mut buffer = [0u8; 4];
        QUESTION_WORDS.contains(&&*c.encode_utf8(&mut buffer))
    };
    if word.text.chars().count() < 2 || jieba.has_word(&word.text) {
        return word;
    }
    let lead: usize = word
        .text
        .chars()
        .take_while(|c| particle(*c))
        .map(char::len_utf8)
        .sum();
    let kept = word.text[lead..].trim_end_matches(particle);
    if kept.is_empty() {
        return word;
    }
    word.position += word.text[..lead].chars().count();
    word.from += lead;
    word.to = word.from + kept.len();
    word.text = kept.to_string();
    word
}

/// Asking "how long" (多久, 几天 …) is asking for a time limit: clauses that state one
/// (期限, 时限, 工作日) are preferred among those that match the subject.
pub const DURATION_QUESTIONS: &[&str] = &[
    "多久",
    "多长",
    "多长时间",
    "几天",
    "几日",
    "时候",
    "何时",
    "最晚",
    "最迟",
];
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
    "哪些信息",
    "什么信息",
    "公开哪些",
    "公开什么",
    "公示哪些",
    "公示什么",
    "写哪些",
    "写什么",
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
    let named = dates_named(&chars).into_iter().next()?;
    let (month, day) = match named.month {
        Some(month) => (month, named.day.unwrap_or(1)),
        None => (7, 1),
    };
    let date = NaiveDate::from_ymd_opt(named.year, month, day)?;
    let rest: String = chars[named.end..].iter().take(2).collect();
    let before = rest.starts_with("以前") || rest.starts_with("之前") || rest.starts_with('前');
    if before {
        date.pred_opt()
    } else {
        Some(date)
    }
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

    #[test]
    fn dates_are_not_searched() {
        assert_eq!(without_dates("2021年度年报"), " 年报");
        assert_eq!(without_dates("2019年5月14日前收到的"), " 前收到的");
        assert_eq!(without_dates("2020年批的征地"), " 批的征地");
        assert_eq!(without_dates("Q/RGZW 204-2018 5.3"), "Q/RGZW 204-2018 5.3");
        assert_eq!(without_dates("12018年"), "12018年");
    }

    #[test]
    fn yes_or_no_questions_are_not_searched() {
        assert_eq!(without_yes_no("结果要不要挂到网上"), "结果 挂到网上");
        assert_eq!(without_yes_no("会不会被一票否决"), " 被一票否决");
        assert_eq!(without_yes_no("需不需要公示"), " 要公示");
        assert_eq!(without_yes_no("有没有期限"), " 期限");
        assert_eq!(without_yes_no("不予公开"), "不予公开");
    }

    #[test]
    fn question_numbers_are_not_searched() {
        let mut jieba = jieba_rs::Jieba::empty();
        jieba.add_word("扣分", None, None);
        let strip = |query| without_question_numbers(&jieba, query);
        assert_eq!(strip("考核扣几分"), "考核扣分");
        assert_eq!(strip("后几个工作日内印发"), "后 工作日内印发");
        assert_eq!(strip("公示几天才能撤除"), "公示 才能撤除");
        assert_eq!(strip("几点"), "几点");
        assert_eq!(strip("多少钱"), "多少钱");
    }

    #[test]
    fn particles_glued_to_a_guessed_word_are_dropped() {
        let jieba = jieba_rs::Jieba::empty();
        let word = |text: &str, position| Word {
            text: text.to_string(),
            from: position * 3,
            to: position * 3 + text.len(),
            position,
        };
        let trimmed = without_particles(&jieba, word("要配", 2));
        assert_eq!((trimmed.text.as_str(), trimmed.position), ("配", 3));
        assert_eq!((trimmed.from, trimmed.to), (9, 12));
        assert_eq!(without_particles(&jieba, word("复文要", 0)).text, "复文");
        assert_eq!(without_particles(&jieba, word("要的", 0)).text, "要的");
    }
}
