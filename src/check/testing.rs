//! Fixtures for the checks' unit tests: the shipped catalogue and calendar, one unit, and
//! records built in a line each.

use std::path::Path;
use std::sync::OnceLock;

use chrono::NaiveDate;

use super::{Ctx, Instance, Outcome, UnitData};
use crate::catalogue::{Catalogue, Requirement, RequirementRecord, UnitKind};
use crate::data::{Application, Item, ItemFields, Message, Period, RegisterEntry, Unit};

pub(crate) fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        Catalogue::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("standards"))
            .expect("shipped catalogue")
    })
}

pub(crate) fn day(text: &str) -> NaiveDate {
    text.parse().expect("YYYY-MM-DD")
}

/// Records of one unit (a town with every area).
pub(crate) struct Fixture {
    pub unit: Unit,
    pub items: Vec<Item>,
    pub register: Vec<RegisterEntry>,
    pub applications: Vec<Application>,
    pub messages: Vec<Message>,
}

impl Fixture {
    pub(crate) fn new() -> Fixture {
        Fixture {
            unit: Unit {
                id: "U01".into(),
                name: "测试镇".into(),
                kind: UnitKind::Town,
                areas: catalogue().meta.areas.clone(),
            },
            items: Vec::new(),
            register: Vec::new(),
            applications: Vec::new(),
            messages: Vec::new(),
        }
    }

    pub(crate) fn entry(&mut self, id: &str, code: &str, formed: &str) {
        self.register.push(RegisterEntry {
            line: self.register.len() as u32 + 2,
            id: id.into(),
            unit: 0,
            item_code: code.into(),
            title: format!("{id}标题").into(),
            formed_on: day(formed),
            doc_no: None,
        });
    }

    /// An item published on 政府网站, reviewed, with no text; returns it for adjusting.
    pub(crate) fn publish(
        &mut self,
        id: &str,
        code: &str,
        published: &str,
        register_ref: Option<&str>,
    ) -> &mut Item {
        let strings = ItemFields {
            id: id.into(),
            title: format!("{id}标题"),
            register_ref: register_ref.unwrap_or_default().into(),
            url: format!("http://www.rugao.gov.cn/{id}.html"),
            ..ItemFields::default()
        }
        .pack();
        self.items.push(Item {
            line: self.items.len() as u32 + 2,
            unit: 0,
            item_code: code.into(),
            channel: "政府网站".into(),
            published_on: day(published),
            formed_on: None,
            reviewed: Some(true),
            withdrawn_on: None,
            strings,
        });
        self.items.last_mut().expect("just pushed")
    }

    pub(crate) fn application(
        &mut self,
        id: &str,
        received: &str,
        replied: Option<&str>,
        extended: bool,
    ) {
        self.applications.push(Application {
            line: self.applications.len() as u32 + 2,
            id: id.into(),
            unit: 0,
            received_on: day(received),
            replied_on: replied.map(day),
            extended,
            outcome: crate::data::OutcomeCode::parse("予以公开"),
            legacy_outcome: false,
            applicant_type: Some(0),
        });
    }

    pub(crate) fn message(&mut self, id: &str, received: &str, replied: Option<&str>) {
        self.messages.push(Message {
            line: self.messages.len() as u32 + 2,
            id: id.into(),
            unit: 0,
            channel: "政府网站".into(),
            received_on: day(received),
            replied_on: replied.map(day),
        });
    }

    pub(crate) fn data(&self) -> UnitData<'_> {
        let mut data = UnitData::new(&self.unit);
        data.items = self.items.iter().collect();
        data.register = self.register.iter().collect();
        data.applications = self.applications.iter().collect();
        data.messages = self.messages.iter().collect();
        data.index();
        data
    }
}

pub(crate) fn rule(yaml: &str) -> Requirement {
    let record: RequirementRecord = serde_yaml::from_str(yaml).expect("requirement YAML");
    record.typed().expect("the requirement's check parameters")
}

pub(crate) fn ctx(period: &str) -> Ctx<'static> {
    let catalogue = catalogue();
    Ctx {
        catalogue,
        inspections: None,
        calendar: &catalogue.calendar,
        period: Period::parse(period).expect("period"),
        rows: catalogue.items(),
    }
}

/// Runs the requirement's check on the fixture in the period.
pub(crate) fn run(rule_yaml: &str, period: &str, fixture: &Fixture) -> Vec<Instance> {
    let rule = rule(rule_yaml);
    super::check(&ctx(period), &rule, &fixture.data())
}

pub(crate) fn outcomes(instances: &[Instance]) -> Vec<(String, Outcome)> {
    instances
        .iter()
        .map(|i| (i.key.to_string(), i.outcome))
        .collect()
}
