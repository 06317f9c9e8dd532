//! A small headless-Chromium harness for tests that act as a user would: open a page, type,
//! click, wait, read, take a screenshot, and see what went to the console. Chromium is driven
//! over the DevTools protocol (`chromiumoxide`); the API is synchronous so tests stay plain
//! `#[test]` functions, and every call is bounded by a timeout so a test can never hang.

use std::future::Future;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chromiumoxide::browser::BrowserConfig;
use chromiumoxide::cdp::browser_protocol::input::InsertTextParams;
use chromiumoxide::cdp::browser_protocol::page::{
    self, CaptureScreenshotFormat, EventFrameRequestedNavigation, EventLoadEventFired,
    EventNavigatedWithinDocument,
};
use chromiumoxide::cdp::js_protocol::runtime::{
    ConsoleApiCalledType, EventConsoleApiCalled, EventExceptionThrown, ExceptionDetails,
    RemoteObject,
};
use chromiumoxide::error::CdpError;
use chromiumoxide::handler::viewport::Viewport;
use chromiumoxide::keys;
use chromiumoxide::listeners::EventStream;
use chromiumoxide::page::ScreenshotParams;
use futures::{FutureExt, StreamExt};
use serde_json::Value;

use crate::util::{chromium, repo, Sandbox};

/// Upper bound for one harness call (a navigation, a click, a typed text, an evaluation).
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// Chromium's first start on a busy two-core machine can take several seconds.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(20);
/// Upper bound for closing the browser on drop.
const KILL_TIMEOUT: Duration = Duration::from_secs(5);
const POLL_INTERVAL: Duration = Duration::from_millis(50);
const WIDTH: u32 = 1280;
const HEIGHT: u32 = 900;

/// A headless Chromium with its own temporary profile, killed when dropped.
pub struct Browser {
    // Fields drop in this order: the process handle while the runtime still runs, then the
    // runtime (which ends the event-loop task), then the profile folder.
    cdp: chromiumoxide::Browser,
    runtime: tokio::runtime::Runtime,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts Chromium, or returns `None` when none is installed (the caller skips its test).
    /// Under CI a missing Chromium is a failure, as in `browser.rs`.
    pub fn launch() -> Option<Browser> {
        let Some(executable) = chromium() else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI needs chromium: .ci/run installs it"
            );
            eprintln!("chromium not installed: browser test skipped (apt-get install chromium)");
            return None;
        };
        let profile = tempfile::tempdir().expect("temp dir");
        let config = BrowserConfig::builder()
            .chrome_executable(executable)
            .user_data_dir(profile.path())
            // Only the flags below (and the debugging port), not the crate's long default list.
            .disable_default_args()
            .args([
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ])
            .no_sandbox()
            .window_size(WIDTH, HEIGHT)
            .viewport(Viewport {
                width: WIDTH,
                height: HEIGHT,
                ..Viewport::default()
            })
            .launch_timeout(LAUNCH_TIMEOUT)
            .request_timeout(CALL_TIMEOUT)
            .build()
            .expect("browser config");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let (cdp, mut handler) = runtime
            .block_on(chromiumoxide::Browser::launch(config))
            .unwrap_or_else(|e| panic!("chromium did not start: {e}"));
        // The handler is the protocol's event loop: nothing moves unless it is polled. It ends
        // with the connection; an error here means the connection is gone for good.
        runtime.spawn(async move { while let Some(Ok(())) = handler.next().await {} });
        Some(Browser {
            cdp,
            runtime,
            _profile: profile,
        })
    }

    /// Opens `url` in a new tab and waits until it has loaded.
    pub fn open(&self, url: &str) -> Page<'_> {
        self.run(&format!("open {url}"), async {
            let page = self.cdp.new_page("about:blank").await?;
            // Listen before navigating so that errors during the load are seen too.
            let console = page.event_listener::<EventConsoleApiCalled>().await?;
            let exceptions = page.event_listener::<EventExceptionThrown>().await?;
            page.goto(url).await?;
            Ok(Page {
                browser: self,
                page,
                console: Mutex::new(Console {
                    calls: console,
                    exceptions,
                    seen: Vec::new(),
                }),
            })
        })
    }

    /// Runs a protocol future to completion on the browser's runtime, within `CALL_TIMEOUT`.
    fn block<T>(&self, future: impl Future<Output = Result<T, CdpError>>) -> Result<T, String> {
        // The timer must be created inside the runtime, hence the async block.
        let bounded = async { tokio::time::timeout(CALL_TIMEOUT, future).await };
        match self.runtime.block_on(bounded) {
            Ok(result) => result.map_err(|e| describe_error(&e)),
            Err(_) => Err(format!("no answer within {CALL_TIMEOUT:?}")),
        }
    }

    /// As `block`, panicking with `what` on an error or a timeout.
    fn run<T>(&self, what: &str, future: impl Future<Output = Result<T, CdpError>>) -> T {
        self.block(future)
            .unwrap_or_else(|e| panic!("browser: {what}: {e}"))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // `kill` sends SIGKILL and reaps the process, so no zombie outlives the test.
        let cdp = &mut self.cdp;
        let _ = self
            .runtime
            .block_on(async { tokio::time::timeout(KILL_TIMEOUT, cdp.kill()).await });
    }
}

/// One tab of a `Browser`, with the console errors it has seen since it was opened.
pub struct Page<'b> {
    browser: &'b Browser,
    page: chromiumoxide::Page,
    console: Mutex<Console>,
}

impl Drop for Page<'_> {
    fn drop(&mut self) {
        // Close the tab, so that a test opening many pages does not keep their renderers.
        let _ = self.browser.block(self.page.clone().close());
    }
}

/// What a page sent to its console: the event streams, and the errors already taken from them
/// with their timestamps.
struct Console {
    calls: EventStream<EventConsoleApiCalled>,
    exceptions: EventStream<EventExceptionThrown>,
    seen: Vec<(f64, String)>,
}

impl Console {
    /// Moves the errors queued on the streams into `seen`, in the order they happened.
    fn collect(&mut self) {
        for call in drain(&mut self.calls) {
            if call.r#type == ConsoleApiCalledType::Error {
                let args: Vec<String> = call.args.iter().map(show).collect();
                self.seen.push((*call.timestamp.inner(), args.join(" ")));
            }
        }
        for thrown in drain(&mut self.exceptions) {
            let message = describe_exception(&thrown.exception_details);
            self.seen.push((*thrown.timestamp.inner(), message));
        }
        self.seen.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
}

impl Page<'_> {
    /// Focuses the first element matching `selector` and types `text` as key presses, so the
    /// page sees `keydown`, `input` and `keyup` events. Characters that are not on a US
    /// keyboard (Chinese, for one) are inserted as an input method would, which fires `input`.
    pub fn type_into(&self, selector: &str, text: &str) {
        self.run(&format!("type into {selector}"), async {
            let element = self.page.find_element(selector).await?;
            element.focus().await?;
            for c in text.chars() {
                let key = c.to_string();
                if keys::get_key_definition(&key).is_some() {
                    element.press_key(&key).await?;
                } else {
                    self.page.execute(InsertTextParams::new(key)).await?;
                }
            }
            Ok(())
        })
    }

    /// Polls until an element matches `selector`; false if none did within `timeout`.
    pub fn wait_for(&self, selector: &str, timeout: Duration) -> bool {
        let query = format!("document.querySelector({}) !== null", js_string(selector));
        self.wait_until(&query, timeout)
    }

    /// Polls until the JavaScript expression `condition` is true; false if it was not within
    /// `timeout`. Evaluation errors (say, while a new document loads) count as not yet.
    pub fn wait_until(&self, condition: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.try_eval(condition) == Ok(Value::Bool(true)) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(POLL_INTERVAL);
        }
    }

    /// The `innerText` of the first element matching `selector`; panics if there is none.
    pub fn text(&self, selector: &str) -> String {
        let query = format!(
            "document.querySelector({})?.innerText ?? null",
            js_string(selector)
        );
        match self.eval(&query) {
            Value::String(text) => text,
            _ => panic!("browser: no element matches {selector}"),
        }
    }

    /// Clicks the middle of the first element matching `selector` with the mouse, and if that
    /// started a navigation of the page, waits until the new document has loaded (or, for a
    /// jump within the document, until it has happened).
    pub fn click(&self, selector: &str) {
        self.run(&format!("click {selector}"), async {
            let main_frame = self.page.mainframe().await?;
            // Listen before clicking: the events can come before the click's own answer.
            let mut requested = self
                .page
                .event_listener::<EventFrameRequestedNavigation>()
                .await?;
            let mut loaded = self.page.event_listener::<EventLoadEventFired>().await?;
            let mut within = self
                .page
                .event_listener::<EventNavigatedWithinDocument>()
                .await?;
            // A load that finished just before (right after `open`, say) is not this click's.
            self.settle().await?;
            drain(&mut requested);
            drain(&mut loaded);
            drain(&mut within);
            self.page.find_element(selector).await?.click().await?;
            // Chromium's renderer reports a requested navigation while it handles the click,
            // before it answers any later command (Playwright relies on the same order).
            self.settle().await?;
            let navigates = drain(&mut requested)
                .iter()
                .any(|nav| Some(&nav.frame_id) == main_frame.as_ref());
            if navigates {
                tokio::select! {
                    _ = loaded.next() => {}
                    _ = within.next() => {}
                }
            }
            Ok(())
        })
    }

    /// The address of the document now shown (fragment included).
    pub fn url(&self) -> String {
        match self.eval("location.href") {
            Value::String(url) => url,
            other => panic!("browser: location.href is {other}"),
        }
    }

    /// Evaluates a JavaScript expression (awaiting a promise) and returns its value as JSON;
    /// `undefined` comes back as `null`. Panics if the script throws.
    pub fn eval(&self, js: &str) -> Value {
        self.try_eval(js)
            .unwrap_or_else(|e| panic!("browser: eval {js}: {e}"))
    }

    /// `console.error` messages and uncaught exceptions seen since the page was opened, on
    /// this document and those it navigated to, oldest first.
    pub fn console_errors(&self) -> Vec<String> {
        self.run("console errors", self.settle());
        let mut console = self.console.lock().unwrap();
        console.collect();
        console
            .seen
            .iter()
            .map(|(_, message)| message.clone())
            .collect()
    }

    /// Saves a PNG of the viewport to `path`, creating its folder.
    pub fn screenshot(&self, path: &Path) {
        let params = ScreenshotParams::builder()
            .format(CaptureScreenshotFormat::Png)
            .build();
        let png = self.run("screenshot", self.page.screenshot(params));
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).unwrap();
        }
        std::fs::write(path, png).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }

    fn try_eval(&self, js: &str) -> Result<Value, String> {
        let result = self.browser.block(self.page.evaluate_expression(js))?;
        Ok(result.value().cloned().unwrap_or(Value::Null))
    }

    fn run<T>(&self, what: &str, future: impl Future<Output = Result<T, CdpError>>) -> T {
        self.browser.run(what, future)
    }

    /// Makes sure every event the page sent before now is in the listeners' queues. One round
    /// trip orders the page's events before its answer; chromiumoxide then hands events to
    /// listeners one turn of its loop after reading them, which the second round trip waits out.
    /// `Page.enable` is a no-op here (the page is enabled already) answered by the renderer, as
    /// Playwright uses it; any answer will do, so an error answer (the document was just
    /// replaced, say) is a round trip too.
    async fn settle(&self) -> Result<(), CdpError> {
        for _ in 0..2 {
            match self.page.execute(page::EnableParams::default()).await {
                Ok(_) | Err(CdpError::Chrome(_)) => {}
                Err(other) => return Err(other),
            }
        }
        Ok(())
    }
}

/// The events already queued on `stream`, without waiting for more.
fn drain<T>(stream: &mut EventStream<T>) -> Vec<std::sync::Arc<T>>
where
    T: chromiumoxide::cdp::IntoEventKind + Unpin,
{
    let mut events = Vec::new();
    while let Some(Some(event)) = stream.next().now_or_never() {
        events.push(event);
    }
    events
}

/// A console argument as the console prints it: strings bare, other values as JSON or as
/// the browser describes them.
fn show(arg: &RemoteObject) -> String {
    match (&arg.value, &arg.description) {
        (Some(Value::String(text)), _) => text.clone(),
        (Some(value), _) => value.to_string(),
        (None, Some(description)) => description.clone(),
        (None, None) => format!("{:?}", arg.r#type).to_lowercase(),
    }
}

/// "Uncaught Error: boom" with the stack the browser gives, or its bare text.
fn describe_exception(details: &ExceptionDetails) -> String {
    match details
        .exception
        .as_ref()
        .and_then(|e| e.description.as_ref())
    {
        Some(description) => format!("{} {description}", details.text),
        None => details.text.clone(),
    }
}

fn describe_error(error: &CdpError) -> String {
    match error {
        CdpError::JavascriptException(details) => describe_exception(details),
        other => other.to_string(),
    }
}

/// `text` as a JavaScript string literal (JSON's string syntax is a subset of it).
fn js_string(text: &str) -> String {
    Value::String(text.to_string()).to_string()
}

/// Writes `files` (name, content) into a fresh folder and returns it.
fn site(files: &[(&str, &str)]) -> Sandbox {
    let sandbox = Sandbox::new();
    for (name, content) in files {
        std::fs::write(sandbox.path().join(name), content).unwrap();
    }
    sandbox
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

const FIRST: &str = r#"<!doctype html>
<meta charset="utf-8">
<input id="q">
<div id="out"></div>
<p><a id="go" href="second.html#x">second</a></p>
<script>
  document.getElementById("q").addEventListener("input", (event) => {
    document.getElementById("out").textContent = event.target.value;
  });
</script>
"#;

const SECOND: &str = r#"<!doctype html>
<meta charset="utf-8">
<h1 id="x">second page</h1>
"#;

#[test]
fn a_user_types_clicks_and_lands_on_the_second_page() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let site = site(&[("first.html", FIRST), ("second.html", SECOND)]);
    let page = browser.open(&file_url(&site.path().join("first.html")));

    page.type_into("#q", "hello 公开");
    assert!(
        page.wait_until(
            r#"document.getElementById("out").innerText === "hello 公开""#,
            Duration::from_secs(5)
        ),
        "#out shows {:?}",
        page.text("#out")
    );

    page.click("#go");
    assert!(page.url().ends_with("second.html#x"), "{}", page.url());
    assert!(page.wait_for("#x", Duration::from_secs(5)));
    assert_eq!(page.text("#x"), "second page");
    assert_eq!(page.console_errors(), Vec::<String>::new());

    let shot = repo().join("target/test-artifacts/cdp-smoke.png");
    page.screenshot(&shot);
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "{} is no PNG", shot.display());
}

#[test]
fn console_errors_and_uncaught_exceptions_are_reported() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let site = site(&[(
        "errors.html",
        r#"<!doctype html><script>console.log("fine"); console.error("x", 2);</script>
<script>throw new Error("boom");</script>"#,
    )]);
    let page = browser.open(&file_url(&site.path().join("errors.html")));

    let errors = page.console_errors();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0], "x 2");
    assert!(errors[1].starts_with("Uncaught Error: boom"), "{errors:?}");
    // Seen errors stay reported: a later call returns them again.
    assert_eq!(page.console_errors(), errors);
}
