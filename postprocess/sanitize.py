"""Reduce reply HTML to the QwenVL tag and attribute set, so it is safe to show and store.

- Active or embedding elements (``script``, ``iframe``, ``object``, ``embed``, ``link``, ``meta``,
  ``svg``, ...) are removed with their content: ``UNSAFE_CONTENT`` warning.
- ``style``, ``head`` and ``title`` are removed with their content silently: a ``<style>`` before a
  ``<table>`` is normal QwenVL output and never part of the text.
- Other tags outside the QwenVL set are unwrapped (their text and children kept): one
  ``UNKNOWN_TAG`` warning per tag name. An unknown element that carries a ``data-bbox`` is a layout
  block in disguise and is renamed ``div`` instead, so its box survives.
- Attributes outside the set are dropped; event handlers (``on*``) and URLs with a scheme other
  than http, https or mailto (``javascript:``, ``data:``, ``vbscript:``, ``file:``) are dropped
  with an ``UNSAFE_CONTENT`` warning. Only ``href`` is kept among URL attributes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from postprocess.parse import parse_document, serialize
from postprocess.tree import BBOX_ATTR, VOID_TAGS, element_path
from schemas.errors import ErrorCode, ErrorRecord, Severity

_MATHML_TAGS = frozenset(
    "math mi mn mo ms mtext mspace mrow msub msup msubsup mfrac msqrt mroot mover munder "
    "munderover mtable mtr mtd mstyle mpadded mphantom menclose semantics annotation".split()
)
#: Tags kept in sanitised output: what QwenVL HTML uses, plus harmless inline formatting.
ALLOWED_TAGS = (
    frozenset(
        "html body h1 h2 h3 h4 h5 h6 p div img table thead tbody tfoot tr th td caption colgroup "
        "col ol ul li address a span sub sup b i em strong u br hr code pre".split()
    )
    | _MATHML_TAGS
)
#: Removed with their content, with an UNSAFE_CONTENT warning.
UNSAFE_TAGS = frozenset(
    "script iframe frame frameset object embed applet link meta base noscript noembed noframes "
    "template svg portal".split()
)
#: Removed with their content, silently (styling and document metadata).
SILENT_DROP_TAGS = frozenset({"style", "head", "title"})
#: Attributes kept in sanitised output.
ALLOWED_ATTRIBUTES = frozenset(
    {BBOX_ATTR, "data-polygon", "class", "rowspan", "colspan", "format", "href"}
)
#: Allowed attributes whose values need no look.
_PLAIN_ATTRIBUTES = ALLOWED_ATTRIBUTES - {"href"}
_URL_ATTRIBUTES = frozenset(
    "href src srcset action formaction xlink:href background poster data cite longdesc lowsrc "
    "dynsrc ping manifest codebase usemap".split()
)
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")


def sanitize_tree(
    root: HtmlElement, nodes: Sequence[HtmlElement] | None = None
) -> list[ErrorRecord]:
    """Sanitise ``root`` in place; return the warnings, paths as in the tree before the change.

    ``nodes``: ``list(root.iter())``, when the caller holds it (a list is cheaper to walk).
    """
    if _already_clean(root.iter() if nodes is None else nodes):  # the usual reply: nothing to do
        return []
    sanitizer = _Sanitizer()
    sanitizer.clean_attributes(root)
    sanitizer.clean_children(root)
    return sanitizer.issues + sanitizer.unknown_tag_issues()


def sanitize_html(html: str) -> str:
    """Sanitise an HTML string. A whole document comes back whole, a fragment as a fragment."""
    root, _ = parse_document(html)
    if root is None:
        return ""
    sanitize_tree(root)
    if re.search(r"<html\b", html, re.IGNORECASE):
        return serialize(root)
    body = root.find("body")
    if body is None:
        return ""
    return (body.text or "") + "".join(serialize(child) for child in body)


def _already_clean(nodes: Iterable[HtmlElement]) -> bool:
    """Only allowed tags and attributes (and no ``href``, whose URL needs a look), no comments,
    processing instructions or entities among a tree's ``nodes`` (all of them): the tree the full
    pass would leave as it is, without a warning. One flat walk instead of the full pass's
    recursion and bookkeeping."""
    tags, attributes = ALLOWED_TAGS, _PLAIN_ATTRIBUTES
    for el in nodes:
        if el.tag not in tags:  # the tag of a comment, PI or entity is a function: in no set
            return False
        names = el.keys()
        if names and not attributes.issuperset(names):  # one C call, not a loop per name
            return False
    return True


def is_unsafe_url(value: str) -> bool:
    """True for a URL with a scheme other than http, https or mailto (relative URLs are safe)."""
    compact = "".join(ch for ch in value if ch > " ").lower()
    scheme = _SCHEME.match(compact)
    return scheme is not None and scheme.group(1) not in _SAFE_SCHEMES


@dataclass
class _Sanitizer:
    issues: list[ErrorRecord] = field(default_factory=list)
    unknown: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)

    def clean_children(self, el: HtmlElement) -> None:
        for child in list(el):
            tag = child.tag
            if not isinstance(tag, str):  # a comment, processing instruction or entity
                child.drop_tree()
                continue
            tag = tag.lower()
            if tag in UNSAFE_TAGS or tag in SILENT_DROP_TAGS:
                if tag in UNSAFE_TAGS:
                    self._warn(ErrorCode.UNSAFE_CONTENT, f"<{tag}> removed", child)
                if tag in VOID_TAGS:  # libxml2 may have nested the following content inside
                    self.clean_children(child)
                    child.drop_tag()
                else:
                    child.drop_tree()
                continue
            self.clean_attributes(child)
            self.clean_children(child)
            if tag not in ALLOWED_TAGS:
                self._unknown(child, tag)

    def clean_attributes(self, el: HtmlElement) -> None:
        for name in el.keys():  # a list: attributes may be deleted in the loop
            value = el.get(name)
            lowered = name.lower()
            if lowered.startswith("on"):
                self._warn(ErrorCode.UNSAFE_CONTENT, f"event handler {name!r} removed", el)
                del el.attrib[name]
            elif lowered in _URL_ATTRIBUTES and is_unsafe_url(value):
                self._warn(ErrorCode.UNSAFE_CONTENT, f"unsafe URL in {name!r} removed", el)
                del el.attrib[name]
            elif lowered not in ALLOWED_ATTRIBUTES:
                del el.attrib[name]

    def unknown_tag_issues(self) -> list[ErrorRecord]:
        return [
            ErrorRecord(
                code=ErrorCode.UNKNOWN_TAG,
                severity=Severity.WARNING,
                message=f"unknown tag <{tag}> {action} ({count}x)",
                path=first_path,
            )
            for (tag, action), (count, first_path) in self.unknown.items()
        ]

    def _unknown(self, el: HtmlElement, tag: str) -> None:
        action = "renamed div (it has a box)" if el.get(BBOX_ATTR) is not None else "unwrapped"
        count, first_path = self.unknown.get((tag, action), (0, element_path(el)))
        self.unknown[(tag, action)] = (count + 1, first_path)
        if el.get(BBOX_ATTR) is not None:
            el.tag = "div"
        else:
            el.drop_tag()

    def _warn(self, code: ErrorCode, message: str, el: HtmlElement) -> None:
        self.issues.append(
            ErrorRecord(
                code=code, severity=Severity.WARNING, message=message, path=element_path(el)
            )
        )
