"""Loading articles: text, Markdown and HTML files, front matter, metadata, cleaning."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from rag.cleaning import clean_text
from rag.errors import UnsupportedDocumentError
from rag.language import resolve_date
from rag.models import Article

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_SOURCE_VIA = re.compile(r"\(via ([\w.\- ]{2,40})\)")


def slugify(value: str) -> str:
    slug = re.sub(r"[^a-z0-9_]+", "-", value.lower()).strip("-")
    return slug[:80] or "document"


def upload_id(filename: str | None, title: str | None, url: str | None) -> str:
    """An uploaded file keeps its name's slug; a JSON article gets its slug plus a hash of the exact title.

    The hash keeps "Breaking news!" and "Breaking News" (and titles without letters) apart.
    """
    if filename:
        return slugify(Path(filename).stem)
    named = url or title or ""
    digest = hashlib.sha256(named.encode()).hexdigest()[:8]
    return f"{slugify(named)[:70]}-{digest}"


def doc_id_for_path(path: Path, root: Path) -> str:
    """Stable id: the path below the ingested root, without its suffix."""
    relative = path.relative_to(root) if path != root else Path(path.name)
    return slugify(str(relative.with_suffix("")).replace("/", "--"))


def decode_article_bytes(data: bytes, name: str) -> str:
    """UTF-8 text or a clear error: binary and other encodings are refused."""
    if b"\x00" in data:
        raise UnsupportedDocumentError(f"{name}: looks like a binary file, not a text article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnsupportedDocumentError(
            f"{name}: not UTF-8 text (byte {exc.start}); save the article as UTF-8 and retry"
        ) from None
    if not text.strip():
        raise UnsupportedDocumentError(f"{name}: the file is empty")
    return text


def check_suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(SUPPORTED_SUFFIXES)
        raise UnsupportedDocumentError(f"{name}: unsupported file type {suffix or '(none)'}; use {allowed}")
    return suffix


def load_file(path: Path, doc_id: str) -> Article:
    suffix = check_suffix(path.name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnsupportedDocumentError(f"{path}: cannot be read ({exc.strerror})") from None
    raw = decode_article_bytes(data, str(path))
    return parse_article(raw, doc_id=doc_id, suffix=suffix, path=str(path.resolve()))


def parse_article(raw: str, doc_id: str, suffix: str = ".txt", path: str | None = None, **known: Any) -> Article:
    """Turn raw article text into a cleaned Article; `known` metadata wins over extraction."""
    meta, body = _split_front_matter(raw)
    meta.update({key: value for key, value in known.items() if value})
    html_title = None
    if suffix in (".html", ".htm"):
        html_title, body = html_to_text(body)
    elif suffix in (".md", ".markdown"):
        body = _strip_markdown(body)
    text = clean_text(body)
    if not text:
        raise UnsupportedDocumentError(f"{doc_id}: no article text left after cleaning")
    title = str(meta.get("title") or html_title or _first_line(text))
    date = _normalise_date(meta.get("date")) or extract_date(text)
    source = meta.get("source") or _extract_source(body)
    url = meta.get("url")
    return Article(doc_id, title.strip(), text, date, source and str(source), url and str(url), path)


def _split_front_matter(raw: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(raw)
    if not match:
        return {}, raw
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError:
        return {}, raw
    if not isinstance(meta, dict):
        return {}, raw
    return meta, raw[match.end() :]


def _normalise_date(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text[:10]):
        return text[:10]
    day = resolve_date(text, None)
    return day.isoformat() if day else None


# Shapes of a written full date ("19 February 2024", "Jan. 5, 2024"); dateparser decides what they mean.
_FULL_DATE_SHAPE = re.compile(r"\b(?:\d{1,2}\s+[A-Z][a-z]{2,8}\.?,?\s+\d{4}|[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4})\b")


def extract_date(text: str) -> str | None:
    """The first explicit full date (day, month and year) near the top of the text."""
    for match in _FULL_DATE_SHAPE.finditer(text[:3000]):
        day = resolve_date(match.group(), None)
        if day:
            return day.isoformat()
    return None


def _extract_source(body: str) -> str | None:
    match = _SOURCE_VIA.search(body[:2000])
    return match.group(1).strip() if match else None


def _first_line(text: str) -> str:
    line = text.split("\n", 1)[0].strip()
    return line[:200]


def _strip_markdown(body: str) -> str:
    body = re.sub(r"^#{1,6}\s+", "", body, flags=re.MULTILINE)
    body = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", body)
    body = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", body)
    return re.sub(r"(\*\*|__)(.+?)\1", r"\2", body)


class _TextExtractor(HTMLParser):
    _SKIP = frozenset({"script", "style", "nav", "footer", "header", "aside", "noscript", "form"})
    _BLOCK = frozenset({"p", "div", "br", "h1", "h2", "h3", "h4", "li", "section", "article", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: str | None = None
        self._skipping = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag == "title":
            self._in_title = True
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1
        elif tag == "title":
            self._in_title = False
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data.strip()
        elif not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str | None, str]:
    """Visible text of an HTML page, one line per block element, and its <title>."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return parser.title or None, "".join(parser.parts)


def iter_article_files(root: Path) -> list[Path]:
    """Supported files under a folder (sorted), or the file itself."""
    if root.is_file():
        check_suffix(root.name)
        return [root]
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith(".")
    )
