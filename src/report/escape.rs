//! Values made safe for the outputs an office opens: Markdown that stays text however a
//! name or title is typed, and links that are only ever http(s).

use crate::data::is_web_url;

/// Escapes a value for Markdown (handlebars' escape function for the `.md` templates):
/// table pipes, line breaks (which would end a table row or start a heading), HTML, and
/// the block markers a value could start a line with.
pub(crate) fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.chars().enumerate() {
        match c {
            '\\' | '|' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '#' | '>' | '-' | '+' | '*' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            _ => out.push(c),
        }
    }
    out
}

/// The target of a link to `url`, or `None` when it is not an http(s) address (a
/// `javascript:` or `file:` URL is shown as text, never as a link). Characters that would
/// end a Markdown link or an HTML attribute early are percent-encoded.
pub(crate) fn link(url: &str) -> Option<String> {
    if !is_web_url(url) {
        return None;
    }
    let mut out = String::with_capacity(url.len());
    for c in url.trim().chars() {
        match c {
            ' ' | '"' | '\'' | '<' | '>' | '(' | ')' | '|' | '\\' | '`' => {
                out.push_str(&format!("%{:02X}", c as u32))
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_values_stay_text() {
        assert_eq!(markdown("a|b"), "a\\|b");
        assert_eq!(markdown("## 假标题"), "\\## 假标题");
        assert_eq!(markdown("第一行\n## 第二行"), "第一行 ## 第二行");
        assert_eq!(
            markdown("<script>x</script>"),
            "&lt;script&gt;x&lt;/script&gt;"
        );
        assert_eq!(markdown("市环保局"), "市环保局");
        assert_eq!(markdown("2019-01-15"), "2019-01-15");
    }

    #[test]
    fn only_http_links_are_links() {
        assert_eq!(
            link("http://www.rugao.gov.cn/a.html").as_deref(),
            Some("http://www.rugao.gov.cn/a.html")
        );
        assert_eq!(
            link("HTTPS://x.cn/a b").as_deref(),
            Some("HTTPS://x.cn/a%20b")
        );
        assert_eq!(
            link("https://x.cn/a\")onclick=(\"").as_deref(),
            Some("https://x.cn/a%22%29onclick=%28%22")
        );
        for bad in [
            "javascript:alert(1)",
            " javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,x",
            "www.x.cn",
        ] {
            assert_eq!(link(bad), None, "{bad}");
        }
    }
}
