//! The quarterly circular (季度考核通报): one results model rendered to Markdown and HTML
//! through handlebars templates, and to XLSX for office users, plus a rectification notice
//! (整改通知书) per unit with findings.
//!
//! Templates are embedded in the binary; a folder given with `--templates` overrides any
//! of them by file name, and `zwgk templates export DIR` writes the defaults out to edit.

pub(crate) mod annual;
mod charts;
mod docx;
pub(crate) mod escape;
pub(crate) mod model;
pub(crate) mod sheet;
mod xlsx;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use handlebars::Handlebars;
use rayon::prelude::*;
use serde::Serialize;

pub(crate) use model::{circular, Circular};

use crate::output::{file_name_part, write_atomic, Files};
use crate::results::AuditResults;

/// The embedded templates: (file name, text).
pub(crate) const TEMPLATES: [(&str, &str); 9] = [
    ("circular.md.hbs", include_str!("templates/circular.md.hbs")),
    // Partials of the HTML circulars, quarterly and annual: `{{> style.html.hbs}}`.
    ("style.html.hbs", include_str!("templates/style.html.hbs")),
    ("charts.html.hbs", include_str!("templates/charts.html.hbs")),
    (
        "circular.html.hbs",
        include_str!("templates/circular.html.hbs"),
    ),
    ("notice.md.hbs", include_str!("templates/notice.md.hbs")),
    ("annual.md.hbs", include_str!("templates/annual.md.hbs")),
    ("annual.html.hbs", include_str!("templates/annual.html.hbs")),
    (
        "disclosure.md.hbs",
        include_str!("templates/disclosure.md.hbs"),
    ),
    (
        "disclosure.html.hbs",
        include_str!("templates/disclosure.html.hbs"),
    ),
];

/// Output formats, matched in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Md,
    Html,
    Xlsx,
    Docx,
    All,
}

impl Format {
    fn includes(self, other: Format) -> bool {
        self == Format::All || self == other
    }
}

/// Handlebars with the templates registered: the embedded ones, replaced by any file of
/// the same name in `overrides`.
pub(crate) struct Renderer {
    markdown: Handlebars<'static>,
    html: Handlebars<'static>,
}

impl Renderer {
    pub(crate) fn new(overrides: Option<&Path>) -> Result<Renderer> {
        let mut markdown = Handlebars::new();
        markdown.set_strict_mode(true);
        // Markdown has its own escaping: a name or title must not break a table or fake a
        // heading.
        markdown.register_escape_fn(escape::markdown);
        let mut html = Handlebars::new();
        html.set_strict_mode(true);
        for (name, embedded) in TEMPLATES {
            let (text, origin) = match overrides.map(|dir| dir.join(name)).filter(|p| p.exists()) {
                Some(path) => {
                    let text = std::fs::read_to_string(&path)
                        .map_err(|e| Error::io("读取模板", &path, e))?;
                    (text, path.display().to_string())
                }
                None => (embedded.to_string(), format!("内置 {name}")),
            };
            let registry = if name.ends_with(".html.hbs") {
                &mut html
            } else {
                &mut markdown
            };
            registry
                .register_template_string(name, text)
                .map_err(|err| Error::Template {
                    name: origin,
                    message: crate::error::template_compile_reason(&err),
                })?;
        }
        Ok(Renderer { markdown, html })
    }

    pub(crate) fn render<T: Serialize>(&self, name: &str, data: &T) -> Result<String> {
        let registry = if name.ends_with(".html.hbs") {
            &self.html
        } else {
            &self.markdown
        };
        registry.render(name, data).map_err(|err| Error::Template {
            name: name.into(),
            message: crate::error::template_render_reason(&err),
        })
    }
}

/// Writes the embedded templates into `dir` for editing.
pub(crate) fn export_templates(dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("创建", dir, e))?;
    TEMPLATES
        .iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            write_atomic(&path, text.as_bytes())?;
            Ok(path)
        })
        .collect()
}

/// Renders output files: (file name, bytes).
type RenderJob<'a> = Box<dyn Fn() -> Result<Files> + Send + Sync + 'a>;

/// `notices/U01-市政府办公室`: the unit's id (checked at load against the id pattern)
/// and its name made safe for a file name; each format adds its extension.
fn notice_stem(id: &str, name: &str) -> String {
    match file_name_part(name) {
        part if part.is_empty() => format!("notices/{id}"),
        part => format!("notices/{id}-{part}"),
    }
}

/// The circular's files in `format`, by path in the output folder: what rendering it
/// replaces (the notices of a format go as a set: a unit without findings keeps none).
pub(crate) fn report_names(format: Format, path: &str) -> bool {
    let of = |extension: &str| {
        path == format!("report.{extension}")
            || (path.starts_with("notices/") && path.ends_with(&format!(".{extension}")))
    };
    (format.includes(Format::Md) && of("md"))
        || (format.includes(Format::Html) && path == "report.html")
        || (format.includes(Format::Xlsx) && path == "findings.xlsx")
        || (format.includes(Format::Docx) && of("docx"))
}

/// Renders the requested formats of the circular, in memory: (file name, bytes).
pub(crate) fn render_reports(
    results: &AuditResults,
    history: &[AuditResults],
    format: Format,
    renderer: &Renderer,
) -> Result<Files> {
    let circular = circular(results, history);
    // Notices list every finding of the unit, not the circular's first few.
    let units = model::unit_sections(results, usize::MAX);
    // Each document is rendered on its own task: the XLSX of a large quarter takes as
    // long as everything else together.
    let mut jobs: Vec<RenderJob<'_>> = Vec::new();
    if format.includes(Format::Xlsx) {
        // The workbook first: it is the longest job.
        jobs.push(Box::new(|| {
            Ok(vec![(
                "findings.xlsx".into(),
                xlsx::findings_workbook(results)?,
            )])
        }));
    }
    if format.includes(Format::Md) || format.includes(Format::Docx) {
        jobs.push(Box::new(|| {
            let markdown = renderer.render("circular.md.hbs", &circular)?;
            markdown_and_word("report", markdown, &letterhead(&circular, true), format)
        }));
        for unit in &units {
            let notice = Notice {
                circular: &circular,
                unit,
            };
            jobs.push(Box::new(move || {
                let markdown = renderer.render("notice.md.hbs", &notice)?;
                let stem = notice_stem(&unit.id, &unit.name);
                markdown_and_word(&stem, markdown, &letterhead(notice.circular, false), format)
            }));
        }
    }
    if format.includes(Format::Html) {
        jobs.push(Box::new(|| {
            let html = renderer.render("circular.html.hbs", &circular)?;
            Ok(vec![("report.html".into(), html.into_bytes())])
        }));
    }
    let rendered: Vec<Files> = jobs
        .par_iter()
        .map(|render| render())
        .collect::<Result<_>>()?;
    Ok(rendered.into_iter().flatten().collect())
}

/// `stem.md` and the Word document laid out from the same Markdown, `stem.docx`, as
/// `format` asks: the Markdown is rendered once for both.
fn markdown_and_word(
    stem: &str,
    markdown: String,
    letterhead: &docx::Letterhead,
    format: Format,
) -> Result<Files> {
    let mut files = Vec::new();
    if format.includes(Format::Docx) {
        files.push((
            format!("{stem}.docx"),
            docx::document(&markdown, letterhead)?,
        ));
    }
    if format.includes(Format::Md) {
        files.push((format!("{stem}.md"), markdown.into_bytes()));
    }
    Ok(files)
}

/// The annual evaluation's files.
pub(crate) fn annual_names(name: &str) -> bool {
    name.starts_with("annual.")
}

/// Renders the annual evaluation, in memory: (file name, bytes).
pub(crate) fn render_annual(
    annual: &annual::Annual,
    format: Format,
    renderer: &Renderer,
) -> Result<Files> {
    let json =
        serde_json::to_vec_pretty(annual).map_err(|e| Error::internal("写入 annual.json", e))?;
    let mut files = vec![("annual.json".to_string(), json)];
    let page = AnnualPage {
        annual,
        charts: &annual.charts,
    };
    if format.includes(Format::Md) {
        let md = renderer.render("annual.md.hbs", &page)?;
        files.push(("annual.md".into(), md.into_bytes()));
    }
    if format.includes(Format::Html) {
        let html = renderer.render("annual.html.hbs", &page)?;
        files.push(("annual.html".into(), html.into_bytes()));
    }
    if format.includes(Format::Xlsx) {
        files.push(("annual.xlsx".into(), annual::annual_workbook(annual)?));
    }
    Ok(files)
}

/// The 版头 and signature of the circular (with its 发文字号) or of a notice.
fn letterhead(circular: &Circular, numbered: bool) -> docx::Letterhead<'_> {
    docx::Letterhead {
        issuer: &circular.issuer,
        number: Some(circular.number.as_str()).filter(|n| numbered && !n.is_empty()),
        date: &circular.date,
    }
}

/// What the rectification notice template sees.
#[derive(Clone, Copy, Serialize)]
struct Notice<'a> {
    circular: &'a Circular,
    unit: &'a model::UnitSection,
}

/// What the annual templates see: the evaluation (as annual.json has it) and its charts.
#[derive(Serialize)]
struct AnnualPage<'a> {
    #[serde(flatten)]
    annual: &'a annual::Annual,
    charts: &'a charts::Charts,
}
