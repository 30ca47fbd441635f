"""Render pages in memory: the Jinja environment, and `SiteRenderer`, which renders the pages of
the page plan (pages.py) one at a time, and template errors located in the template's file and line.

Templates get views (views.py), never the model. Jinja runs with StrictUndefined and autoescaping,
so a typo in a template is an error that names the template and line. pipeline.run decides which
pages are rendered and where they go; nothing is written here.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from site_builder.embed import OEMBED, oembed_json
from site_builder.errors import ContentError, Problem, closest
from site_builder.feeds import feed_files
from site_builder.markup import MarkdownConverter, MarkdownRenderer
from site_builder.mdengine import ConversionError
from site_builder.pagekinds import BUILTIN_PLAN
from site_builder.pagemeta import page_meta
from site_builder.pages import PagePlan, PageSpec
from site_builder.site import Site
from site_builder.timelinejs import TIMELINE_JSON, ExportWords, home_markdown, timeline_json
from site_builder.urls import (
    HOME,
    NOT_FOUND,
    UrlBuilder,
)
from site_builder.validate import MarkdownText
from site_builder.viewdata import NavItem
from site_builder.views import ViewBuilder
from site_builder.viewwords import status_label


def theme_dir() -> Path:
    """The default theme shipped inside the package (templates/ and static/)."""
    return Path(str(resources.files("site_builder") / "theme"))


def make_environment(template_dirs: list[Path]) -> jinja2.Environment:
    """The Jinja environment: user folders first, then the package theme; strict and escaping."""
    loaders: list[jinja2.BaseLoader] = [
        _TemplateLoader(str(folder)) for folder in template_dirs if folder.is_dir()
    ]
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        # Every template, whatever its name: a user's partial called card.j2 or icon.svg gets
        # content too, and content is never trusted markup.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Every word of the theme goes through gettext (pgettext/npgettext and {% trans %});
        # SiteRenderer installs the site's language. New-style: values are escaped.
        extensions=["jinja2.ext.i18n"],
    )
    environment.newstyle_gettext = True  # type: ignore[attr-defined]
    return environment


class _TemplateEncodingError(jinja2.TemplateSyntaxError):
    hint = "save the template as UTF-8"


class _TemplateLoader(jinja2.FileSystemLoader):
    """Reads templates as UTF-8; undecodable bytes become an error naming the file and line."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as error:
            data = error.object if isinstance(error.object, bytes) else b""
            filename = next(
                (
                    str(Path(folder, template))
                    for folder in self.searchpath
                    if Path(folder, template).is_file()
                ),
                template,
            )
            raise _TemplateEncodingError(
                f"not valid UTF-8 text: byte 0x{data[error.start]:02X} cannot be read"
                if data
                else "not valid UTF-8 text",
                data.count(b"\n", 0, error.start) + 1,
                template,
                filename,
            ) from None


def template_dirs(user_templates: Path | None) -> list[Path]:
    """Where templates are looked up, first match winning: the user's folder, then the theme."""
    folders = [user_templates] if user_templates is not None else []
    return [*folders, theme_dir() / "templates"]


class SiteRenderer:
    """Renders the pages of one site one at a time, with one URL builder and one environment.

    `pages` lists every page up front (cheap: contexts are made on demand), so that a build can
    share the pages out between processes, and the sitemap can list pages before they exist.
    """

    def __init__(
        self,
        site: Site,
        user_templates: Path | None = None,
        base_url: str | None = None,
        environment: jinja2.Environment | None = None,
        converter: MarkdownConverter | None = None,
        plan: PagePlan = BUILTIN_PLAN,
    ) -> None:
        self.site = site
        self.plan = plan
        self.urls = UrlBuilder(base_url if base_url is not None else site.config.base_url)
        self.views = ViewBuilder(site, self.urls, converter, plan.paths())
        # Kept by the caller between builds (serve), filled by worker processes (build_site).
        self.converter = self.views.markdown.converter
        if environment is None:
            environment = make_environment(template_dirs(user_templates))
        self.environment = environment
        environment.globals["url"] = self.urls.url
        self.pages = list(plan.specs(site, self.views))
        self._nav_paths = plan.menu(site, self.views.messages)
        self._made = plan.made(site)
        self.views.messages.install(environment)

    def render(self, spec: PageSpec) -> str:
        """One page's HTML; raise ContentError locating a template problem."""
        try:
            return self.environment.get_template(spec.template).render(self._context(spec))
        except ContentError:
            raise
        except Exception as error:  # template code can raise anything: 1 / 0, recursion
            raise ContentError([_template_problem(error, spec, self.environment)]) from error

    def extra_files(self) -> dict[str, str]:
        """Files made from the site as a whole: feed, sitemap, robots.txt, the timeline in
        TimelineJS' format, and (with an absolute base URL) the embed's oEmbed response."""
        files = feed_files(
            self.site, self.urls, [spec.path for spec in self.pages], self.views.messages
        )
        files[TIMELINE_JSON] = self.timeline_json()
        title = self.views.messages.text("timeline", "Timeline")
        oembed = oembed_json(self.site, self.urls, f"{title} · {self.site.config.title}")
        if oembed is not None:
            files[OEMBED] = oembed
        return files

    def timeline_json(self) -> str:
        """The timeline in TimelineJS' JSON format (see timelinejs.py), its links absolute when
        the base URL is."""
        views, urls = self.views, self.urls
        markdown = MarkdownRenderer(
            lambda scheme, name: urls.absolute(views.link_site_path(scheme, name)),
            self.converter,
        )
        media = self.site.media_files
        words = ExportWords(
            urls=urls,
            html=lambda text, scope: str(markdown.render(text, scope)),
            date_text=views.dates.text,
            status_text=lambda status: status_label(views.messages, status),
            media_path=lambda name: media[name].path if name in media else None,
        )
        return timeline_json(
            self.site, words, home_markdown(self.site), self.site.events_in_order()
        )

    def _context(self, spec: PageSpec) -> dict[str, Any]:
        urls, config = self.urls, self.site.config
        nav = [NavItem(label, urls.url(path), path == spec.path) for label, path in self._nav_paths]
        language = self.views.messages.language
        return {
            **spec.make_context(),
            "site": {
                "title": config.title,
                "description": config.description,
                "language": language.tag,
                "direction": language.direction,
                "as_of": self.views.date(config.as_of),
                "no_longer_updated": (
                    self.views.date(config.no_longer_updated) if config.no_longer_updated else None
                ),
                "publisher": config.publisher,
                "nav": nav,
                "home_url": urls.url(HOME),
                "sources_url": urls.url(self._made["sources"]) if "sources" in self._made else None,
                "stylesheet": urls.url("static/style.css"),
            },
            "page": {
                "path": spec.path,
                "title": spec.title,
                "description": spec.description,
                "canonical": urls.absolute(spec.path) if spec.path != NOT_FOUND else None,
                "is_home": spec.path == HOME,
                "meta": page_meta(
                    self.site, spec.path, spec.title, spec.description, urls, self.views.messages
                ),
            },
        }


def convert_texts(converter: MarkdownConverter, texts: Iterable[MarkdownText]) -> list[Problem]:
    """Convert the texts not converted yet, each distinct text once, before pages are rendered
    (rendering then only looks the HTML up).

    Returns a problem for each text that Python-Markdown or an extension fails on, located
    where the text is written.
    """
    problems = []
    for markdown in texts:
        if converter.knows(markdown.text):
            continue
        try:
            converter.convert(markdown.text)
        except ConversionError as error:
            problems.append(_conversion_problem(markdown, error))
    return problems


def _conversion_problem(markdown: MarkdownText, error: ConversionError) -> Problem:
    if isinstance(error.error, RecursionError):
        hint = "nest blockquotes and lists less deeply"
    elif error.extension is not None:
        hint = (
            f"change this text, or remove '{error.extension}' from markdown_extensions in "
            "site.yaml (a bug in the extension is worth reporting to its authors)"
        )
    else:
        hint = "change this text (a bug in Python-Markdown is worth reporting to its authors)"
    return Problem(markdown.path, error.message(), markdown.line, markdown.column, hint)


def _template_problem(error: Exception, spec: PageSpec, environment: jinja2.Environment) -> Problem:
    """A template error located in the template file and line the author must fix."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return Problem(
            error.filename or spec.template,
            error.message or str(error),
            error.lineno,
            None,
            getattr(error, "hint", "fix the template syntax here"),
        )
    path, line = _template_position(error, spec.template)
    if isinstance(error, jinja2.TemplateNotFound):
        # Located at the {% extends %}, {% include %} or {% import %} that names it.
        close = closest(str(error.name), environment.list_templates())
        return Problem(
            path,
            f"template not found: {error.name}",
            line,
            None,
            f"did you mean '{close}'?" if close else "add the template to your templates folder",
        )
    if isinstance(error, jinja2.TemplateError):
        return Problem(
            path,
            f"template error: {error}",
            line,
            None,
            f"while rendering {spec.path or '/'}; check the names used here against the page's "
            "context",
        )
    # Python errors raised by template code (1 / 0, a template that extends itself), or by the
    # view code a template called (a chart that could not be drawn): located at the template's
    # line, naming the code that raised it.
    code = _code_position(error)
    if isinstance(error, RecursionError):
        hint = "a template that extends or includes itself never ends: check the name here"
    elif code is not None:
        hint = (
            f"while rendering {spec.path or '/'}: this is a bug in site-builder, not in the "
            "template; run the command again with --debug and report the traceback it shows"
        )
    else:
        hint = f"while rendering {spec.path or '/'}; check the expression on this line"
    raised = f" (raised in {code})" if code is not None else ""
    return Problem(
        path,
        f"template error: {type(error).__name__}: {error}{raised}",
        line,
        None,
        hint,
        trace="".join(traceback.format_exception(error)),
    )


def _code_position(error: BaseException) -> str | None:
    """Where in site_builder's own code an error was raised ("site_builder/chart.py:166 in
    _round"), when it was raised there rather than in a template."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return None
    package = Path(__file__).resolve().parent
    last = frames[-1]
    try:
        relative = Path(last.filename).resolve().relative_to(package.parent)
    except ValueError:
        return None
    return f"{relative.as_posix()}:{last.lineno} in {last.name}"


def _template_position(error: BaseException, fallback: str) -> tuple[str, int | None]:
    """The innermost template file and line in an error's traceback (Jinja rewrites frames)."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            return frame.filename, frame.lineno
    return fallback, None


def unique_problems(problems: list[Problem]) -> list[Problem]:
    """One problem per place and message, in order: a template error breaks every page that
    uses the template, and is reported once, naming the first page it broke."""
    first: dict[tuple[str, int, int, str], Problem] = {}
    for problem in problems:
        first.setdefault(problem.sort_key(), problem)
    return list(first.values())
