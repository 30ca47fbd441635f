"""Hostile content: nothing a newsroom pastes into an explainer runs in a reader's browser.

The corpus (tests/fixtures/hostile/) puts script tags, event handlers, javascript:/vbscript:/
data: URLs, embeds, mutation-XSS classics, Jinja syntax and JSON-LD breakouts into every field
an author can write. It is built with the real CLI, served over real HTTP on 127.0.0.1 and every
page is opened in headless Chromium with every way a script could announce itself hooked, and
every link that is not plainly http(s), mailto or relative clicked. The built HTML is also read
as text: no script but our JSON-LD, no handler attribute, no dangerous URL, no embed, Jinja never
evaluated, and JSON-LD that parses and gives back the hostile names exactly.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import html
import http.server
import json
import re
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import run_cli
from quality import page_urls
from scratch import write_site

from site_builder.embed import embed_child_script
from site_builder.mdengine import DEFAULT_EXTENSIONS
from site_builder.render import make_environment, template_dirs, theme_dir

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"

# Every attack that could run calls alert(N) (or msgbox(N)) with its own N.
_ATTACK_ID = re.compile(r"(?:alert|msgbox)\((\d+)\)")
_JINJA_EVALUATED = {
    "[[{{ 7*7 }}]]": "[[49]]",
    "{% if true %}JINJA-RAN{% endif %}": "JINJA-RAN",
    "{% for x in range(3) %}LOOPED{% endfor %}": "LOOPED",
}
# Attributes whose value the browser treats as a URL to fetch, navigate to or run.
_URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "cite", "data", "poster", "srcset", "xlink:href",
    "background", "ping", "longdesc", "codebase", "manifest", "icon", "lowsrc", "dynsrc",
}  # fmt: skip
_BAD_SCHEME = re.compile(r"^(?:javascript|vbscript|data|livescript):", re.IGNORECASE)
# Elements no page of ours contains and no sanitised content may bring.
_FORBIDDEN_ELEMENTS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "input",
    "button", "textarea", "select", "math", "template", "noscript", "xmp", "plaintext",
    "isindex", "style", "portal", "fencedframe",
}  # fmt: skip
_JSON_LD = "application/ld+json"

# Runs in every document before any of its own scripts: anything a script could use to show
# itself is replaced by a recorder that reports to the test at once (so a call still counts when
# the page then navigates away). The Content-Security-Policy-Report-Only header our server sends
# makes Chromium report (not block) every inline script, handler and javascript: URL about to
# run, which catches scripts that call none of the hooked functions.
_HOOKS = """
(() => {
  const report = window.__hostileReport;
  const record = (name) => function (...args) {
    report(name + "(" + args.map((a) => String(a)).join(", ").slice(0, 200) + ")");
  };
  for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
    window[name] = record(name);
  }
  for (const name of ["log", "info", "warn", "error", "debug", "trace", "dir", "table"]) {
    console[name] = record("console." + name);
  }
  document.write = record("document.write");
  document.writeln = record("document.writeln");
  window.onerror = (message) => { report("onerror: " + message); };
  window.addEventListener("error", (event) => {
    if (event instanceof ErrorEvent) report("error event: " + event.message);
  }, true);
  window.addEventListener("securitypolicyviolation", (event) => {
    report("script about to run: " + event.violatedDirective + " " + event.blockedURI + " " +
      (event.sample || ""));
  }, true);
})();
"""
# The theme's one script (the embed page's, which sizes its frame) is allowed by its hash:
# any other script, handler or javascript: URL is reported.
_THEME_SCRIPT = embed_child_script()
_THEME_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_THEME_SCRIPT.encode()).digest()).decode()
_REPORT_ONLY_POLICY = (
    # 'report-sample' alone allows no script, like 'none', and puts the code's start in reports.
    f"script-src 'report-sample' 'sha256-{_THEME_SCRIPT_HASH}'; object-src 'none'; "
    "frame-src 'none'; base-uri 'none'; form-action 'none'"
)

# The live DOM after parsing (what mutation XSS would change): handlers, scripts, embeds, URLs.
_DOM_PROBLEMS = """
([forbidden, themeScript]) => {
  const found = [];
  const urlAttributes = new Set(["href", "src", "action", "formaction", "xlink:href", "data",
    "cite", "poster", "srcset", "background", "ping"]);
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    const embedCode = tag === "textarea" && el.id === "embed-code" && el.readOnly;
    if (forbidden.includes(tag) && !embedCode) found.push("element <" + tag + ">");
    if (tag === "meta" && el.hasAttribute("http-equiv")) found.push("meta http-equiv");
    if (tag === "script" && el.type !== "application/ld+json" && el.text !== themeScript) {
      found.push("script element");
    }
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) found.push("<" + tag + " " + name + ">");
      if (name === "srcdoc") found.push("<" + tag + " srcdoc>");
      if (urlAttributes.has(name)) {
        let protocol = "unparsable:";
        try { protocol = new URL(attr.value, document.baseURI).protocol; } catch (e) {}
        if (!["http:", "https:", "mailto:"].includes(protocol)) {
          found.push("<" + tag + " " + name + "=" + attr.value.slice(0, 60) + ">");
        }
      }
    }
  }
  return found;
}
"""

# Fire the events inline handlers listen for on every element, and open every <details>.
_PROVOKE = """
() => {
  for (const el of document.querySelectorAll("body *")) {
    for (const type of ["mouseover", "mouseenter", "mousemove", "pointerover", "focus",
                        "focusin", "animationstart"]) {
      el.dispatchEvent(new Event(type, { bubbles: true }));
    }
    if (el.tagName === "DETAILS") el.open = true;
  }
}
"""

# Links a reader could click that do not plainly go to a web page or an email address.
_SUSPECT_LINKS = """
(elements) => elements.map((el) => {
  const raw = el.getAttribute("href") ?? el.getAttribute("xlink:href");
  if (raw === null) return true;
  try {
    return !["http:", "https:", "mailto:"].includes(new URL(raw, document.baseURI).protocol);
  } catch (e) { return true; }
})
"""


# --------------------------------------------------------------------------- the corpus


def _front_matter(path: Path) -> dict[str, Any]:
    """A summary's front matter, read with plain PyYAML (not with the code under test)."""
    _, matter, _ = path.read_text(encoding="utf-8").split("---\n", 2)
    data: dict[str, Any] = yaml.safe_load(matter)
    return data


def _yaml(relative: str) -> Any:
    return yaml.safe_load((HOSTILE / relative).read_text(encoding="utf-8"))


def attack_ids() -> set[str]:
    """The numbers of every attack in the corpus."""
    ids: set[str] = set()
    for file in HOSTILE.rglob("*"):
        if file.is_file():
            ids.update(_ATTACK_ID.findall(file.read_text(encoding="utf-8")))
    return ids


def test_the_corpus_keeps_its_attacks() -> None:
    """Guards against the corpus being trimmed: every kind of field keeps its attacks."""
    ids = attack_ids()
    assert len(ids) >= 150, f"only {len(ids)} numbered attacks left in {HOSTILE}"
    for relative in [
        "site.yaml",
        *(f"facts/{kind}.yaml" for kind in ("sources", "players", "events", "updates")),
    ]:
        assert _ATTACK_ID.search((HOSTILE / relative).read_text(encoding="utf-8")), relative
    summaries = sorted((HOSTILE / "summaries").glob("*.md"))
    assert len(summaries) >= 8
    for summary in summaries:
        assert _ATTACK_ID.search(summary.read_text(encoding="utf-8")), summary.name


def test_the_corpus_is_a_valid_explainer() -> None:
    """Hostile is not broken: `check` finds nothing wrong, so nothing is refused before render."""
    result = run_cli("check", "--content", str(HOSTILE))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus built by the real CLI (it validates: a hostile site is a valid site)."""
    out = tmp_path_factory.mktemp("hostile") / "_site"
    result = run_cli("build", "--content", str(HOSTILE), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def _pages(site: Path) -> dict[str, str]:
    """Every HTML page of a built site, by URL path."""
    pages = {}
    for path in page_urls(site):
        file = site / path if path.endswith(".html") else site / path / "index.html"
        pages[path] = file.read_text(encoding="utf-8")
    return pages


# --------------------------------------------------------------------------- the HTML as text


class _Elements(HTMLParser):
    """Every start tag with its (entity-decoded) attributes, and the body of every script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self.textareas: list[str] = []  # their text (decoded): code offered to copy
        self._textarea = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))
        if tag == "textarea":
            self._textarea = True
            self.textareas.append("")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)
        if self._textarea:
            self.textareas[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None
        if tag == "textarea":
            self._textarea = False


def _parse(page: str) -> _Elements:
    parser = _Elements()
    parser.feed(page)
    parser.close()
    return parser


# The theme's own code, and the only place for each: the embed page's script (which sizes its
# frame), and the embed code the timeline page offers to copy (a textarea).
_EMBED_PAGE = "embed/timeline/"
_EMBED_CODE_PAGE = "timeline/"
_EMBED_LISTENER = re.compile(
    r'addEventListener\("message",function\(e\)\{var f=document\.getElementById\("'
    r'(timeline-[a-z0-9-]+)"\),m=/\^pymxPYMx\1xPYMxheightxPYMx\(\\d\+\)\$/\.exec\(e\.data\);'
    r"if\(f&&m&&e\.source===f\.contentWindow\)f\.height=m\[1\]\}\)"
)


def _embed_code_problems(code: str) -> list[str]:
    """The embed code, pasted into another page, is an iframe of this site and the few lines
    that size it: the site's title stays text inside the iframe's title."""
    parsed = _parse(code)
    problems = []
    if [tag for tag, _ in parsed.tags] != ["iframe", "script"]:
        problems.append(f"embed code holds {[tag for tag, _ in parsed.tags]}")
    title = yaml.safe_load((HOSTILE / "site.yaml").read_text("utf-8"))["title"]
    iframes = [attrs for tag, attrs in parsed.tags if tag == "iframe"]
    if not iframes or iframes[0].get("title") != f"Timeline · {title}":
        problems.append(f"embed code's iframe: {iframes}")
    if any(attrs or not _EMBED_LISTENER.fullmatch(body) for attrs, body in parsed.scripts):
        problems.append(f"embed code's script: {parsed.scripts}")
    return problems


def _static_problems(page: str, path: str = "") -> list[str]:
    """What in one page's HTML could run a script, embed a document or send the reader away."""
    problems = []
    parsed = _parse(page)
    theirs = [(attrs, body) for attrs, body in parsed.scripts if attrs or path != _EMBED_PAGE]
    if path == _EMBED_PAGE and [body for attrs, body in parsed.scripts if not attrs] != [
        embed_child_script()
    ]:
        problems.append("the embed page's script is not the theme's")
    for code in parsed.textareas:
        problems += _embed_code_problems(code)
    for tag, attrs in parsed.tags:
        if tag == "textarea" and path == _EMBED_CODE_PAGE and attrs.get("id") == "embed-code":
            continue
        if tag in _FORBIDDEN_ELEMENTS:
            problems.append(f"<{tag}> element")
        if tag == "meta" and "http-equiv" in attrs:
            problems.append(f"<meta http-equiv={attrs['http-equiv']}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"<{tag} {name}={value}>")
            if name == "srcdoc":
                problems.append(f"<{tag} srcdoc>")
            # Browsers drop tabs and newlines anywhere in a URL and control characters and
            # spaces around it before they read the scheme; so must this check.
            url = re.sub(r"[\t\n\r]", "", value or "").strip("\x00- ")
            if name in _URL_ATTRIBUTES and _BAD_SCHEME.match(url):
                problems.append(f"<{tag} {name}={value}>")
    for attrs, _ in theirs:
        if attrs.get("type") != _JSON_LD or "src" in attrs:
            problems.append(f"<script {attrs}> (only our JSON-LD may be a script)")
    text = html.unescape(page)
    for written, evaluated in _JINJA_EVALUATED.items():
        # Every "JINJA-RAN" must sit inside the {% if %} written around it; "[[49]]" nowhere.
        if text.count(evaluated) != (text.count(written) if evaluated in written else 0):
            problems.append(f"Jinja evaluated {written!r} into {evaluated!r}")
    return problems


def test_no_page_holds_a_script_handler_dangerous_url_or_embed(hostile_site: Path) -> None:
    """Only our JSON-LD is a <script>; no on* attribute, javascript:/vbscript:/data: URL,
    <iframe>/<object>/<embed>/<base>/<form>/<meta http-equiv>; Jinja never evaluated."""
    pages = _pages(hostile_site)
    assert len(pages) >= 14, sorted(pages)
    problems = [
        f"/{path}: {problem}"
        for path, page in pages.items()
        for problem in _static_problems(page, path)
    ]
    assert not problems, "\n".join(problems)
    assert "<textarea" in pages[_EMBED_CODE_PAGE] and "<script>" in pages[_EMBED_PAGE]


# What each default Markdown extension writes: the corpus must reach every one of them.
_EXTENSION_OUTPUT = {
    "abbr": '<abbr title="',
    "admonition": '<div class="admonition danger">',
    "attr_list": '<p class="x" id="',
    "def_list": "<dl>\n<dt>",
    "fenced_code": '<pre><code class="language-html">',
    "footnotes": '<div class="footnote">',
    "sane_lists": "<ol>\n<li>A list</li>",
    "smarty": "\u201cQuotes \u2013 around\u201d",
    "tables": '<th style="text-align:center">',
}


def test_the_corpus_goes_through_every_default_markdown_extension(hostile_site: Path) -> None:
    """Each default extension's syntax carries attacks, and its output is on a page."""
    assert sorted(_EXTENSION_OUTPUT) == sorted(entry.name for entry in DEFAULT_EXTENSIONS)
    page = (hostile_site / "extensions" / "index.html").read_text(encoding="utf-8")
    missing = [name for name, output in _EXTENSION_OUTPUT.items() if output not in page]
    assert not missing, f"the hostile corpus no longer reaches {missing}"


def test_template_syntax_in_content_shows_literally(hostile_site: Path) -> None:
    """`{{ 7*7 }}` written by an author is shown as typed on the pages that carry it."""
    pages = _pages(hostile_site)
    for path in ["", "timeline/", "players/mallory/", "sources/", "markdown/"]:
        assert "[[{{ 7*7 }}]]" in html.unescape(pages[path]), path
    assert "{% if true %}JINJA-RAN{% endif %}" in html.unescape(pages["markdown/"])


def _json_ld(page: str) -> list[tuple[str, Any]]:
    """Each JSON-LD block of a page: its raw text and what it parses to."""
    return [
        (body, json.loads(body))
        for attrs, body in _parse(page).scripts
        if attrs.get("type") == _JSON_LD
    ]


def _nodes(data: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object inside DATA."""
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from _nodes(value)
    elif isinstance(data, list):
        for value in data:
            yield from _nodes(value)


def _node(data: Any, kind: str) -> dict[str, Any]:
    return next(node for node in _nodes(data) if node.get("@type") == kind)


def test_json_ld_is_escaped_parses_and_gives_back_the_hostile_text(hostile_site: Path) -> None:
    """No `<`, `>`, `&`, U+2028 or U+2029 inside the script element (so no `</script` or `<!--`
    can end or hide it); the JSON parses; names, titles and descriptions come back exactly."""
    pages = _pages(hostile_site)
    blocks = {path: _json_ld(page) for path, page in pages.items()}
    for path, found in blocks.items():
        for body, _ in found:
            for raw in ("<", ">", "&", "\u2028", "\u2029"):
                assert raw not in body, f"/{path}: JSON-LD holds a raw {raw!r}"
    config = _yaml("site.yaml")
    players = {player["id"]: player for player in _yaml("facts/players.yaml")}
    events = _yaml("facts/events.yaml")

    [(_, home)] = blocks[""]
    assert _node(home, "WebSite")["name"] == config["title"]
    assert _node(home, "WebSite")["description"] == config["description"]
    assert _node(home, "WebSite")["publisher"]["name"] == config["publisher"]["name"]
    assert _node(home, "BackgroundNewsArticle")["headline"] == config["title"]

    mallory = players["mallory"]
    [(_, person)] = blocks["players/mallory/"]
    assert _node(person, "Person")["name"] == mallory["name"]
    assert _node(person, "Person")["jobTitle"] == mallory["role"]
    assert _node(person, "Person")["description"] == mallory["summary"]
    assert _node(person, "Person")["affiliation"]["name"] == mallory["affiliation"]
    [(_, government)] = blocks["players/eve-government/"]
    eve = players["eve-government"]
    assert _node(government, "GovernmentOrganization")["name"] == eve["name"]
    # Its standing and the correction naming it come back exactly too.
    assert eve["verification_note"] in _node(government, "GovernmentOrganization")["description"]
    correction = _yaml("facts/updates.yaml")[0]
    [comment] = _node(government, "ProfilePage")["correction"]
    assert comment["@type"] == "CorrectionComment" and comment["text"] == correction["summary"]
    assert _node(home, "BackgroundNewsArticle")["correction"] == [comment]

    [(_, timeline)] = blocks["timeline/"]
    names = [node["name"] for node in _nodes(timeline) if node.get("@type") == "Event"]
    assert sorted(names) == sorted(event["title"] for event in events)
    assert _node(timeline, "Place")["name"] == players["somewhere"]["name"]

    for summary in (HOSTILE / "summaries").glob("*.md"):
        meta = _front_matter(summary)
        if meta["slug"] == config["home"]:
            continue
        [(_, article)] = blocks[meta["slug"] + "/"]
        assert _node(article, "BackgroundNewsArticle")["headline"] == meta["title"][:110]
        assert _node(article, "BackgroundNewsArticle")["description"] == meta["description"]


def test_feed_and_sitemap_stay_well_formed_xml(hostile_site: Path) -> None:
    """`]]>`, `<!--` and markup in update summaries and the site title stay text in the feed."""
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.parse(hostile_site / "feed.xml").getroot()
    config = _yaml("site.yaml")
    assert feed.findtext(f"{atom}title") == f"{config['title']}: updates"
    assert feed.findtext(f"{atom}subtitle") == config["description"]
    assert feed.findtext(f"{atom}author/{atom}name") == config["publisher"]["name"]
    summaries = [entry.findtext(f"{atom}summary") for entry in feed.iter(f"{atom}entry")]
    assert sorted(summaries) == sorted(update["summary"] for update in _yaml("facts/updates.yaml"))
    assert not list(feed.iter("{urn:x}y")), "an update summary became an XML element"
    ElementTree.parse(hostile_site / "sitemap.xml")


def test_every_theme_template_autoescapes() -> None:
    """Autoescaping is on for every template the theme ships and for templates from strings."""
    environment = make_environment(template_dirs(None))
    names = [path.name for path in (theme_dir() / "templates").iterdir()]
    assert names
    for name in names:
        autoescape = environment.autoescape
        assert (autoescape(name) if callable(autoescape) else autoescape) is True, name
    rendered = environment.from_string("{{ value }}").render(value='<b x="1">&')
    assert rendered == "&lt;b x=&#34;1&#34;&gt;&amp;"


@pytest.mark.parametrize("name", ["card.htm", "card.j2", "note.txt", "icon.svg"])
def test_user_templates_of_any_name_autoescape(tmp_path: Path, name: str) -> None:
    """A user's home.html may include a partial of any name; content in it is escaped too."""
    (tmp_path / "home.html").write_text(f'{{% include "{name}" %}}', encoding="utf-8")
    (tmp_path / name).write_text("{{ value }}", encoding="utf-8")
    environment = make_environment(template_dirs(tmp_path))
    rendered = environment.get_template("home.html").render(value="<script>alert(1)</script>")
    assert rendered == "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "  JavaScript:alert(1)", "vbscript:msgbox(1)", "data:text/html,x"],
)
def test_a_script_url_in_a_yaml_url_field_never_becomes_a_link(tmp_path: Path, url: str) -> None:
    """A source's or the publisher's url is refused by validation or never becomes an href."""
    config = (HOSTILE.parent / "minimal" / "site.yaml").read_text(encoding="utf-8")
    content = write_site(
        tmp_path,
        {
            "site.yaml": config.replace('  name: "Test desk"', f'  name: "Desk"\n  url: "{url}"'),
            "facts/sources.yaml": f"""
            - id: report
              title: "A report"
              kind: report
              url: "{url}"
            """,
        },
    )
    result = run_cli("build", "--content", str(content), "--out", str(tmp_path / "out"))
    if result.returncode != 0:
        assert "url" in result.stderr, result.stderr  # refused, naming the field
        return
    problems = [
        f"/{path}: {problem}"
        for path, page in _pages(tmp_path / "out").items()
        for problem in _static_problems(page)
    ]
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- in Chromium


class _ReportingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site as any static host would, plus a report-only CSP header."""

    def end_headers(self) -> None:
        # Report-only: nothing is blocked, so a script that would run still runs; Chromium
        # only fires `securitypolicyviolation`, which the hooks record.
        self.send_header("Content-Security-Policy-Report-Only", _REPORT_ONLY_POLICY)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def _serve(root: Path) -> Iterator[str]:
    """Serve ROOT over real HTTP on a free port of 127.0.0.1; yields the base URL."""
    handler = functools.partial(_ReportingHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _expected_headings() -> dict[str, tuple[str, str]]:
    """The <h1> and <title> text of each page, built from the corpus exactly as typed."""
    config = _yaml("site.yaml")
    site_title = config["title"]
    headings = {"": (site_title, site_title)}
    for player in _yaml("facts/players.yaml"):
        name = player["name"]
        headings[f"players/{player['id']}/"] = (name, f"{name} \u00b7 {site_title}")
    for summary in (HOSTILE / "summaries").glob("*.md"):
        meta = _front_matter(summary)
        if meta["slug"] != config["home"]:
            headings[meta["slug"] + "/"] = (meta["title"], f"{meta['title']} \u00b7 {site_title}")
    return headings


class _Visit:
    """What happened while one page was open: hook calls, errors, dialogs, navigations."""

    def __init__(self, page: Any, url: str) -> None:
        self.page = page
        self.url = url
        self.findings: list[str] = []
        self.clicked = 0
        page.on("framenavigated", self._navigated)
        page.on("pageerror", lambda error: self.findings.append(f"page error: {error}"))
        page.on("dialog", self._dialog)
        page.on("popup", lambda popup: self.findings.append(f"popup: {popup.url}"))

    def _navigated(self, frame: Any) -> None:
        if frame == self.page.main_frame and frame.url.split("#")[0] != self.url:
            self.findings.append(f"navigated away to {frame.url}")

    def _dialog(self, dialog: Any) -> None:
        self.findings.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    @property
    def left(self) -> bool:
        """True once the page has navigated away (nothing more can be checked on it)."""
        return any(finding.startswith("navigated away") for finding in self.findings)

    def run(self, shown_as: tuple[str, str] | None) -> None:
        """Open the page, check its live DOM and, when given, the text of its <h1> and
        <title>; provoke every handler and click every suspect link."""
        from playwright.sync_api import Error as PlaywrightError

        try:
            self._run(shown_as)
        except PlaywrightError as error:
            # Most often the page navigated away mid-check (a meta refresh, a javascript:
            # URL); either way the page could not be checked to the end.
            first_line = error.message.splitlines()[0]
            self.findings.append(f"checks stopped at {self.page.url}: {first_line}")

    def _run(self, shown_as: tuple[str, str] | None) -> None:
        response = self.page.goto(self.url, wait_until="load")
        assert response is not None and response.ok, f"{self.url}: {response and response.status}"
        checks = [sorted(_FORBIDDEN_ELEMENTS), _THEME_SCRIPT]
        for problem in self.page.evaluate(_DOM_PROBLEMS, checks):
            self.findings.append(f"live DOM: {problem}")
        if shown_as is not None:
            # textContent, not innerText: the DOM text itself, whitespace and all.
            shown = self.page.evaluate(
                "() => ['h1', 'title'].map((s) => document.querySelector(s).textContent)"
            )
            for element, seen, typed in zip(("h1", "title"), shown, shown_as, strict=True):
                if seen != typed:
                    self.findings.append(f"<{element}> shows {seen!r}, not {typed!r}")
        self.page.evaluate(_PROVOKE)
        links = self.page.query_selector_all("a, area")
        suspect = self.page.evaluate(_SUSPECT_LINKS, links)
        for link, is_suspect in zip(links, suspect, strict=True):
            if not is_suspect or self.left:
                continue
            if link.is_visible():
                link.click(timeout=5000, no_wait_after=True)
            else:
                link.dispatch_event("click")
            self.clicked += 1
            self.page.wait_for_timeout(20)  # a javascript: URL runs in a task after the click
        self.page.wait_for_timeout(100)


def test_no_content_script_runs_in_chromium(browser: Any, hostile_site: Path) -> None:
    """Every page in real headless Chromium: no hook called, no page error, no dialog, no
    navigation, no handler or script in the live DOM; headings show the hostile text exactly."""
    paths = page_urls(hostile_site)
    headings = _expected_headings()
    findings: dict[str, list[str]] = {}
    clicked = 0
    with _serve(hostile_site) as base:
        context = browser.new_context()
        context.set_default_timeout(15_000)
        visit: _Visit | None = None

        def report(source: Any, message: str) -> None:
            if visit is not None:
                visit.findings.append(f"script ran: {message}")

        context.expose_binding("__hostileReport", report)
        context.add_init_script(script=_HOOKS)

        def keep_offline(route: Any) -> None:
            # Content may name remote images; the test never leaves the machine.
            if route.request.url.startswith(base):
                route.continue_()
            else:
                route.abort()

        context.route("**/*", keep_offline)
        try:
            for path in paths:
                page = context.new_page()
                visit = _Visit(page, base + path)
                visit.run(headings.get(path))
                clicked += visit.clicked
                if visit.findings:
                    findings[path] = visit.findings
                page.close()
        finally:
            context.close()
    print(f"{len(paths)} pages opened in Chromium, {clicked} suspect links clicked")
    assert len(paths) >= 14
    assert clicked >= 30, f"only {clicked} suspect links were clicked"
    assert not findings, "\n".join(
        f"/{path}: {finding}" for path, found in findings.items() for finding in found
    )
