//! Chinese text for generated records: titles, element values, news headlines.
//!
//! Values are chosen by what the element's name says it is (a name, an amount, a date, a
//! phone number, a document number …), so any catalogue's rows read plausibly.

use chrono::NaiveDate;
use rand::seq::IndexedRandom;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

const PROJECTS: &[&str] = &[
    "道路改造工程",
    "农村公路提档升级工程",
    "中小学校舍维修工程",
    "社区服务中心建设项目",
    "污水管网延伸工程",
    "农田水利设施更新项目",
    "老旧小区改造项目",
    "河道综合整治工程",
    "便民服务中心装修工程",
    "路灯节能改造项目",
];
/// Company names, after the jurisdiction's name.
const COMPANIES: &[&str] = &[
    "华通建设工程有限公司",
    "恒远市政工程有限公司",
    "顺达建筑安装有限公司",
    "中孚工程咨询有限公司",
    "天成信息技术有限公司",
    "宏业物资有限公司",
    "润泽环境工程有限公司",
    "新港园林绿化有限公司",
];
const SURNAMES: &[&str] = &[
    "王", "张", "陈", "李", "刘", "朱", "顾", "徐", "周", "吴", "缪", "冒",
];
const NEWS: &[&str] = &[
    "召开专题会议部署{}工作",
    "开展{}专项督查",
    "举办{}业务培训",
    "推进{}重点任务落实",
    "召开{}工作推进会",
    "开展{}进社区宣传活动",
    "组织{}集中学习",
    "完成{}年度目标任务",
    "检查{}工作开展情况",
    "部署{}迎检工作",
];
const TOPICS: &[&str] = &[
    "政务公开",
    "安全生产",
    "营商环境",
    "乡村振兴",
    "文明城市创建",
    "扫黑除恶",
    "河长制",
    "秸秆禁烧",
    "防汛防台",
    "为民办实事",
    "作风建设",
    "脱贫攻坚",
    "环境整治",
    "信访维稳",
    "食品安全",
];

/// Where the generated records come from: the catalogue's jurisdiction, its short name
/// in document numbers (皋政发), its website, channels and towns (from the units file),
/// so that another county's quarter names its own places.
pub(crate) struct Locale {
    pub jurisdiction: String,
    pub short: String,
    pub website: String,
    pub towns: Vec<String>,
    /// The catalogue's first channel, the government portal, where news and most
    /// messages are; and its second, where the rest of the messages come in.
    pub portal: String,
    pub second_channel: String,
}

pub(super) struct Writer<'a> {
    pub rng: &'a mut ChaCha8Rng,
    pub locale: &'a Locale,
}

impl Writer<'_> {
    fn pick(&mut self, list: &[&'static str]) -> &'static str {
        list.choose(self.rng).copied().unwrap_or("")
    }

    fn town(&mut self) -> String {
        self.locale
            .towns
            .choose(self.rng)
            .cloned()
            .unwrap_or_default()
    }

    pub(super) fn person(&mut self) -> String {
        format!("{}某某", self.pick(SURNAMES))
    }

    pub(super) fn project(&mut self) -> String {
        let town = self.town();
        format!("{}{town}{}", self.locale.jurisdiction, self.pick(PROJECTS))
    }

    pub(super) fn amount(&mut self) -> String {
        format!(
            "{}.{:02}万元",
            self.rng.random_range(3..900),
            self.rng.random_range(0..100)
        )
    }

    pub(super) fn phone(&mut self) -> String {
        format!("0513-8{:07}", self.rng.random_range(0..10_000_000))
    }

    pub(super) fn doc_no(&mut self, prefix: &str, year: i32) -> String {
        format!("{prefix}〔{year}〕{}号", self.rng.random_range(1..180))
    }

    /// A value for an element, by what its name says it is.
    pub(super) fn value(&mut self, element: &str, day: NaiveDate, unit: &str) -> String {
        let has = |words: &[&str]| words.iter().any(|w| element.contains(w));
        if has(&[
            "机构名称",
            "单位名称",
            "机关名称",
            "受理部门",
            "受理机构",
            "公开主体",
            "批准机关",
        ]) {
            unit.to_string()
        } else if has(&["办公时间", "受理时间", "开放时间"]) {
            "工作日上午8:30—12:00，下午14:00—17:30".to_string()
        } else if has(&["内设", "科室"]) {
            "办公室、综合科、业务科、法规科".to_string()
        } else if has(&["职能", "职责", "范围", "内容", "情况"]) {
            format!(
                "负责全{}相关工作的组织实施和监督管理（{unit}）",
                crate::catalogue::level_of(&self.locale.jurisdiction)
            )
        } else if has(&["姓名", "负责人", "领导"]) {
            self.person()
        } else if has(&["电话"]) {
            self.phone()
        } else if has(&["金额", "资金", "费", "预算", "价", "标准"]) {
            self.amount()
        } else if has(&["时间", "日期"]) {
            format!("{}", day.format("%Y年%m月%d日"))
        } else if has(&["时限", "期限", "工期"]) {
            format!("{}个工作日", self.rng.random_range(3..30))
        } else if has(&["文号", "编号"]) {
            let prefix = format!("{}政发", self.locale.short);
            self.doc_no(&prefix, chrono::Datelike::year(&day))
        } else if has(&["地址", "地点", "位置"]) {
            let town = self.town();
            format!(
                "{}{town}{}路{}号",
                self.locale.jurisdiction,
                self.pick(&["人民", "建设", "解放", "文化", "新华"]),
                self.rng.random_range(1..200)
            )
        } else if has(&["名单", "对象"]) {
            format!("{}等{}户", self.person(), self.rng.random_range(2..40))
        } else if has(&["人", "单位", "供应商", "机构", "企业"]) {
            format!("{}{}", self.locale.jurisdiction, self.pick(COMPANIES))
        } else if has(&["名称", "项目"]) {
            self.project()
        } else if has(&["机关", "部门", "主体"]) {
            unit.to_string()
        } else {
            format!("详见附件{}", self.rng.random_range(1..4))
        }
    }

    /// Body text listing every element with a value: "中标人：……；中标金额：……。"
    pub(super) fn body(&mut self, elements: &[String], day: NaiveDate, unit: &str) -> String {
        let parts: Vec<String> = elements
            .iter()
            .map(|e| format!("{e}：{}", self.value(e, day, unit)))
            .collect();
        format!("{}。", parts.join("；"))
    }

    /// A news headline for a unit's own columns (工作动态, 要闻 …).
    pub(super) fn headline(&mut self, unit: &str) -> String {
        let pattern = self.pick(NEWS);
        let topic = self.pick(TOPICS);
        format!("{unit}{}", pattern.replace("{}", topic))
    }

    /// Short body for news: a sentence that names no catalogue element.
    pub(super) fn news_body(&mut self, day: NaiveDate) -> String {
        format!(
            "{}，{}组织相关科室负责同志参加，会议对下一阶段工作作了具体安排。",
            day.format("%m月%d日"),
            self.pick(&["单位主要负责同志", "分管负责同志", "办公室"])
        )
    }
}
