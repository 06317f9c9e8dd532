//! `zwgk serve`: search, the standards and the audit results in the browser, for evaluators
//! on the office intranet. Read-only; loopback unless told otherwise; pages rendered on the
//! server with the report's handlebars engine; everything (templates, style, the small
//! search-as-you-type script) embedded in the binary, nothing fetched from anywhere.
//!
//! The site (catalogue, index, results) is loaded once and shared; a background task looks
//! at the files every two seconds and, when any changed, loads a new site and swaps it in.
//! A request takes the site current when it starts and keeps it to its end.

pub(crate) mod site;
mod views;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use handlebars::Handlebars;
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::search::SearchRequest;
use site::{Fingerprint, Site, Sources};

/// Longest query accepted, in characters: a question is a sentence, not a document.
const MAX_QUERY_CHARS: usize = 200;
/// Most standards a search returns.
const MAX_LIMIT: usize = 50;
/// How often the files are looked at for changes.
const RELOAD_EVERY: Duration = Duration::from_secs(2);
/// Shown in the page titles and header.
const SITE_NAME: &str = "政务公开标准与考核";

const TEMPLATES: [(&str, &str); 10] = [
    ("head", include_str!("templates/head.hbs")),
    ("foot", include_str!("templates/foot.hbs")),
    ("results", include_str!("templates/results.hbs")),
    ("search", include_str!("templates/search.hbs")),
    ("standards", include_str!("templates/standards.hbs")),
    ("standard", include_str!("templates/standard.hbs")),
    ("periods", include_str!("templates/periods.hbs")),
    ("period", include_str!("templates/period.hbs")),
    ("unit", include_str!("templates/unit.hbs")),
    ("error", include_str!("templates/error.hbs")),
];
const STYLE: &str = include_str!("assets/style.css");
const SCRIPT: &str = include_str!("assets/app.js");

/// What every handler shares: the current site and the templates.
#[derive(Clone)]
struct App {
    site: Arc<RwLock<Arc<Site>>>,
    pages: Arc<Handlebars<'static>>,
    sources: Arc<Sources>,
}

impl App {
    /// The site as it is now; a reload while the request runs does not change it.
    fn site(&self) -> Arc<Site> {
        self.site
            .read()
            .map(|s| s.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    fn page(&self, name: &str, nav: &str, title: &str, mut data: Value) -> Response {
        data["site_name"] = json!(SITE_NAME);
        data["nav"] = json!(nav);
        data["title"] = json!(title);
        match self.pages.render(name, &data) {
            Ok(html) => html_response(StatusCode::OK, html),
            Err(e) => self.error(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("页面生成失败：{e}"),
            ),
        }
    }

    fn error(&self, status: StatusCode, message: &str) -> Response {
        let data = json!({
            "site_name": SITE_NAME, "nav": "", "title": status.as_u16().to_string(),
            "status": format!("{} {}", status.as_u16(), status_text(status)), "message": message,
        });
        let html = self
            .pages
            .render("error", &data)
            .unwrap_or_else(|_| message.to_string());
        html_response(status, html)
    }
}

fn status_text(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "请求有误",
        404 => "没有这个页面",
        413 | 414 => "请求过长",
        _ => "服务器出错",
    }
}

fn html_response(status: StatusCode, html: String) -> Response {
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // Pages hold no third-party content: nothing may load from elsewhere.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn templates() -> Result<Handlebars<'static>> {
    let mut pages = Handlebars::new();
    pages.set_strict_mode(false);
    for (name, text) in TEMPLATES {
        pages
            .register_partial(name, text)
            .and_then(|_| pages.register_template_string(name, text))
            .map_err(|e| Error::Template {
                name: format!("serve/{name}.hbs"),
                message: crate::error::template_compile_reason(&e),
            })?;
    }
    Ok(pages)
}

/// Runs the server until Ctrl-C; `ready` is told the address it listens on.
pub(crate) fn serve(
    addr: SocketAddr,
    sources: Sources,
    ready: impl FnOnce(SocketAddr),
) -> Result<()> {
    let site = Site::load(&sources)?;
    let app = App {
        site: Arc::new(RwLock::new(Arc::new(site))),
        pages: Arc::new(templates()?),
        sources: Arc::new(sources),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::internal("启动服务", e))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Error::internal(format!("监听 {addr}"), e))?;
        let local = listener
            .local_addr()
            .map_err(|e| Error::internal("监听", e))?;
        ready(local);
        tokio::spawn(reload_when_changed(app.clone()));
        axum::serve(listener, router(app))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| Error::internal("提供服务", e))
    })
}

/// Loads the site again whenever its files change; a site that fails to load (a catalogue
/// being edited) leaves the last good one served, with the problem on stderr.
async fn reload_when_changed(app: App) {
    loop {
        tokio::time::sleep(RELOAD_EVERY).await;
        let sources = app.sources.clone();
        let known = app.site().fingerprint.clone();
        let loaded = tokio::task::spawn_blocking(move || {
            (Fingerprint::of(&sources) != known).then(|| Site::load(&sources))
        })
        .await;
        match loaded {
            Ok(Some(Ok(site))) => {
                if let Ok(mut current) = app.site.write() {
                    *current = Arc::new(site);
                }
                eprintln!("标准目录或考核结果有变化，已重新载入");
            }
            Ok(Some(Err(e))) => eprintln!("重新载入失败，仍使用上次的数据：{e}"),
            _ => {}
        }
    }
}

fn router(app: App) -> Router {
    Router::new()
        .route("/", get(search_page))
        .route("/search/results", get(search_fragment))
        .route("/standards", get(standards_page))
        .route("/standards/{id}", get(standard_page))
        .route("/periods", get(periods_page))
        .route("/periods/{period}", get(period_page))
        .route("/periods/{period}/report.html", get(circular))
        .route("/periods/{period}/units/{unit}", get(unit_page))
        .route("/periods/{period}/findings/{*finding}", get(finding_link))
        .route(
            "/assets/style.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE) }),
        )
        .route(
            "/assets/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }),
        )
        .route("/api/search", get(api_search))
        .route("/api/standards/{id}", get(api_standard))
        .route("/api/periods", get(api_periods))
        .route("/api/periods/{period}/units/{unit}", get(api_unit))
        .fallback(not_found)
        .with_state(app)
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}

async fn not_found(State(app): State<App>) -> Response {
    app.error(StatusCode::NOT_FOUND, "地址有误：没有这个页面。")
}

/// A search's parameters, checked: the query within its cap, filters known.
struct Asked {
    request: SearchRequest,
}

fn asked(
    params: &HashMap<String, String>,
    default_limit: usize,
) -> std::result::Result<Option<Asked>, String> {
    let get = |key: &str| params.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
    let query = get("q").unwrap_or("");
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(format!("检索词过长：最多 {MAX_QUERY_CHARS} 个字。"));
    }
    let limit = match get("limit") {
        None => default_limit,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => return Err(format!("limit 应为 1 到 {MAX_LIMIT} 的整数。")),
        },
    };
    if let Some(status) = get("status") {
        if crate::catalogue::Status::from_label(status).is_none() {
            return Err(format!(
                "没有“{status}”这种状态：可选 现行、即将实施、废止。"
            ));
        }
    }
    if query.is_empty() {
        return Ok(None);
    }
    Ok(Some(Asked {
        request: SearchRequest {
            query: query.to_string(),
            subsystem: get("subsystem").map(String::from),
            status: get("status").map(String::from),
            area: get("area").map(String::from),
            limit,
        },
    }))
}

async fn search_page(
    State(app): State<App>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let site = app.site();
    let asked = match asked(&params, 10) {
        Ok(asked) => asked,
        Err(message) => return app.error(StatusCode::BAD_REQUEST, &message),
    };
    let found = match &asked {
        Some(a) => match site.search(&a.request) {
            Ok(found) => Some(found),
            Err(e) => return app.error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        },
        None => None,
    };
    let chosen = views::Chosen {
        subsystem: params.get("subsystem").map(String::as_str),
        status: params.get("status").map(String::as_str),
        area: params.get("area").map(String::as_str),
    };
    let title = found
        .as_ref()
        .map_or("标准检索".to_string(), |f| format!("检索：{}", f.query));
    let data = views::search_page(&site.catalogue, found.as_deref(), &chosen, MAX_QUERY_CHARS);
    app.page("search", "search", &title, data)
}

/// The results alone, for the page's script to swap in as the query is typed.
async fn search_fragment(
    State(app): State<App>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let site = app.site();
    let found = match asked(&params, 10) {
        Err(message) => return app.error(StatusCode::BAD_REQUEST, &message),
        Ok(None) => return html_response(StatusCode::OK, String::new()),
        Ok(Some(a)) => match site.search(&a.request) {
            Ok(found) => found,
            Err(e) => return app.error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        },
    };
    match app.pages.render("results", &views::results(&found)) {
        Ok(html) => html_response(StatusCode::OK, html),
        Err(e) => app.error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

async fn standards_page(State(app): State<App>) -> Response {
    let site = app.site();
    app.page(
        "standards",
        "standards",
        "标准体系",
        views::standards_page(&site.catalogue),
    )
}

async fn standard_page(State(app): State<App>, Path(id): Path<String>) -> Response {
    let site = app.site();
    match site.catalogue.standards.iter().find(|s| s.id == id) {
        Some(standard) => {
            let title = format!("{} {}", standard.id, standard.title);
            app.page(
                "standard",
                "standards",
                &title,
                views::standard_page(standard),
            )
        }
        None => app.error(StatusCode::NOT_FOUND, "没有这项标准。"),
    }
}

async fn periods_page(State(app): State<App>) -> Response {
    let site = app.site();
    let audits = app.sources.audits.display().to_string();
    app.page(
        "periods",
        "periods",
        "考核结果",
        views::periods_page(&site, &audits),
    )
}

async fn period_page(State(app): State<App>, Path(period): Path<String>) -> Response {
    let site = app.site();
    match site.period(&period) {
        Some(p) => app.page(
            "period",
            "periods",
            &p.results.period_label,
            views::period_page(p),
        ),
        None => app.error(StatusCode::NOT_FOUND, "没有这个考核期。"),
    }
}

/// The circular exactly as `zwgk audit` writes report.html.
async fn circular(State(app): State<App>, Path(period): Path<String>) -> Response {
    let site = app.site();
    match site.period(&period) {
        Some(p) => html_response(StatusCode::OK, p.circular.clone()),
        None => app.error(StatusCode::NOT_FOUND, "没有这个考核期。"),
    }
}

async fn unit_page(
    State(app): State<App>,
    Path((period, unit)): Path<(String, String)>,
) -> Response {
    let site = app.site();
    let Some(p) = site.period(&period) else {
        return app.error(StatusCode::NOT_FOUND, "没有这个考核期。");
    };
    match p.results.units.iter().find(|u| u.id == unit) {
        Some(u) => {
            let title = format!("{} · {}", u.name, p.results.period_label);
            app.page("unit", "periods", &title, views::unit_page(&site, p, u))
        }
        None => app.error(StatusCode::NOT_FOUND, "本考核期没有这个单位。"),
    }
}

/// A finding's stable address: its unit's page, at the finding.
async fn finding_link(
    State(app): State<App>,
    Path((period, finding)): Path<(String, String)>,
) -> Response {
    let site = app.site();
    let Some(p) = site.period(&period) else {
        return app.error(StatusCode::NOT_FOUND, "没有这个考核期。");
    };
    let unit = p
        .results
        .units
        .iter()
        .find(|u| u.findings.iter().any(|f| f.finding.id == finding));
    match unit {
        Some(u) => {
            let fragment: String = finding
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || "-_./".contains(c) {
                        c.to_string()
                    } else {
                        format!("%{:02X}", c as u32)
                    }
                })
                .collect();
            Redirect::to(&format!("/periods/{}/units/{}#{fragment}", p.name, u.id)).into_response()
        }
        None => app.error(StatusCode::NOT_FOUND, "本考核期没有这条问题。"),
    }
}

fn json_response(status: StatusCode, value: &impl serde::Serialize) -> Response {
    // The same bytes `zwgk search --format json` prints.
    let mut body = serde_json::to_vec_pretty(value).unwrap_or_default();
    body.push(b'\n');
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

fn json_error(status: StatusCode, message: &str) -> Response {
    json_response(status, &json!({"error": message}))
}

async fn api_search(
    State(app): State<App>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let site = app.site();
    match asked(&params, 5) {
        Err(message) => json_error(StatusCode::BAD_REQUEST, &message),
        Ok(None) => json_error(StatusCode::BAD_REQUEST, "缺少检索词 q。"),
        Ok(Some(a)) => match site.search(&a.request) {
            Ok(found) => json_response(StatusCode::OK, &*found),
            Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        },
    }
}

async fn api_standard(State(app): State<App>, Path(id): Path<String>) -> Response {
    let site = app.site();
    match site.catalogue.standards.iter().find(|s| s.id == id) {
        Some(standard) => json_response(StatusCode::OK, &views::standard_page(standard)),
        None => json_error(StatusCode::NOT_FOUND, "没有这项标准。"),
    }
}

async fn api_periods(State(app): State<App>) -> Response {
    let site = app.site();
    let periods: Vec<Value> = site
        .periods
        .iter()
        .map(|p| {
            json!({
                "period": p.name, "label": p.results.period_label,
                "start": p.results.period_start, "end": p.results.period_end,
                "summary": p.results.summary,
                "units": p.results.units.iter().map(|u| json!({"id": u.id, "name": u.name, "score": u.score, "grade": u.grade, "rank": u.rank})).collect::<Vec<_>>(),
            })
        })
        .collect();
    json_response(StatusCode::OK, &periods)
}

async fn api_unit(
    State(app): State<App>,
    Path((period, unit)): Path<(String, String)>,
) -> Response {
    let site = app.site();
    let found = site
        .period(&period)
        .and_then(|p| p.results.units.iter().find(|u| u.id == unit));
    match found {
        Some(u) => json_response(StatusCode::OK, u),
        None => json_error(StatusCode::NOT_FOUND, "没有这个考核期或单位。"),
    }
}
