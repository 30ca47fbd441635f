"""The embeddable timeline for other sites: the code a host page pastes (an iframe sized by
pym.js' messages), the script of the embed page that sends them, and the oEmbed response that
lets a CMS embed the timeline from its address.
"""

from __future__ import annotations

import json
from html import escape

from site_builder.fieldtypes import suggest_slug
from site_builder.site import Site
from site_builder.urls import EMBED_TIMELINE, HOME, UrlBuilder

OEMBED = "oembed.json"

# How tall an embedded timeline is where no script may size it (a CMS that strips scripts, a
# reader without JavaScript): it scrolls inside that height.
EMBED_HEIGHT = 600
EMBED_WIDTH = 680  # pixels: what an oEmbed consumer is told the embed is designed for
# pym.js' messages (NPR's library, which many CMSs load to size iframes): "pym", the frame's id,
# the message type and its value, joined by this delimiter. The embed sends its height as
# `pymxPYMx{id}xPYMxheightxPYMx{pixels}`; a pym.js parent answers a resize with `width`.
PYM_DELIMITER = "xPYMx"


def embed_frame_id(site: Site) -> str:
    """The id of the embed's iframe on a host page (its pym.js `childId`), from the site's
    title, so two sites' timelines on one page have ids of their own."""
    return f"timeline-{suggest_slug(site.config.title, 'embed')[:40].strip('-')}"


def embed_code(site: Site, urls: UrlBuilder, title: str) -> str:
    """The HTML a host page pastes to show the timeline: an iframe of a fixed height, which
    scrolls, and a few lines that size it to the timeline's height from the embed's pym.js
    messages (a page that loads pym.js sizes it too)."""
    frame = embed_frame_id(site)
    source = f"{urls.absolute(EMBED_TIMELINE)}?childId={frame}"
    iframe = (
        f'<iframe id="{frame}" src="{escape(source)}" title="{escape(title)}" width="100%" '
        f'height="{EMBED_HEIGHT}" style="border:0;width:100%" loading="lazy"></iframe>'
    )
    message = f"pym{PYM_DELIMITER}{frame}{PYM_DELIMITER}height{PYM_DELIMITER}"
    script = (
        '<script>addEventListener("message",function(e){var f=document.getElementById("'
        + frame
        + '"),m=/^'
        + message
        + "(\\d+)$/.exec(e.data);if(f&&m&&e.source===f.contentWindow)f.height=m[1]})</script>"
    )
    return f"{iframe}\n{script}"


def embed_child_script() -> str:
    """The embed page's script: it opens links in the host page, and tells the host its height
    in pym.js' messages (on load, on every change of size, and when a pym.js parent sends its
    width), with the `childId` the host gave it. Without it the embed works at a fixed height."""
    delimiter = PYM_DELIMITER
    return (
        "(function(){if(window.parent===window)return;"
        "var m=/[?&]childId=([^&#]*)/.exec(location.search),"
        'id=m?decodeURIComponent(m[1].replace(/\\+/g," ")):"",'
        f'D="{delimiter}",pre="pym"+D+id+D,last=-1;'
        'document.querySelectorAll(\'a[href]:not([href^="#"])\').forEach(function(a){a.target="_top"});'
        "function send(){var h=document.body.offsetHeight;"
        'if(h!==last){last=h;parent.postMessage(pre+"height"+D+h,"*")}}'
        'addEventListener("message",function(e){'
        'if(typeof e.data=="string"&&e.data.indexOf(pre+"width"+D)===0){last=-1;send()}});'
        'addEventListener("load",send);addEventListener("resize",send);'
        "if(window.ResizeObserver)new ResizeObserver(send).observe(document.body);send()})();"
    )


def oembed_json(site: Site, urls: UrlBuilder, title: str) -> str | None:
    """The oEmbed response (a "rich" type) that lets a CMS embed the timeline from its address;
    None when the site has no absolute base URL (oEmbed needs full addresses)."""
    if not urls.is_absolute:
        return None
    publisher = site.config.publisher
    frame = embed_frame_id(site)
    source = f"{urls.absolute(EMBED_TIMELINE)}?childId={frame}"
    data = {
        "version": "1.0",
        "type": "rich",
        "title": title,
        "provider_name": publisher.name,
        "provider_url": publisher.url or urls.absolute(HOME),
        "html": (
            f'<iframe id="{frame}" src="{escape(source)}" title="{escape(title)}" width="100%" '
            f'height="{EMBED_HEIGHT}" style="border:0;width:100%"></iframe>'
        ),
        "width": EMBED_WIDTH,
        "height": EMBED_HEIGHT,
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
