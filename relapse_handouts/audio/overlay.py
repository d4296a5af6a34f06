"""EPUB finishing step: EPUB 3 Media Overlays, which EbookLib cannot write itself.

Takes a finished EPUB whose chapters carry the ids of ``script.mark_parts`` and adds the
narration's MP3, one SMIL file per chapter pairing every element with its clip, the
``media-overlay`` attribute on each chapter, ``media:duration`` per overlay and for the
book, ``media:active-class`` (with its style) and the accessibility metadata that the
narration makes true. The zip is rewritten with fixed times, so the bytes stay the same.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from xml.sax.saxutils import quoteattr

from lxml import etree

from .narration import Narration, Timing

__all__ = ["add_media_overlays", "clock", "ACTIVE_CLASS", "AUDIO_PATH"]

ACTIVE_CLASS = "read-aloud-active"
AUDIO_PATH = "audio/narration.mp3"  # relative to the package document
_OPF = "{http://www.idpf.org/2007/opf}"
_FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
_ACTIVE_CSS = f"\n.{ACTIVE_CLASS} {{ background-color: #fff1a8; color: #000; }}\n"


def clock(seconds: float) -> str:
    """A SMIL full clock value, to the millisecond: ``0:01:02.345``."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def add_media_overlays(epub: bytes, narration: Narration, summary: str) -> bytes:
    """``epub`` with ``narration`` synchronized to its chapters; ``summary`` says how it
    was narrated (added to the accessibility summary)."""
    source = zipfile.ZipFile(BytesIO(epub))
    opf_name = _package_path(source)
    folder = opf_name.rpartition("/")[0] + "/" if "/" in opf_name else ""
    files = dict((name, source.read(name)) for name in source.namelist())
    package = etree.fromstring(files[opf_name])
    overlays = _chapter_overlays(package, narration)
    for href, (smil, _) in overlays.items():
        files[folder + _smil_name(href)] = smil
    files[folder + AUDIO_PATH] = narration.mp3
    _update_package(package, overlays, narration, summary)
    files[opf_name] = etree.tostring(package, xml_declaration=True, encoding="utf-8")
    _add_active_style(files, folder, package)
    return _zipped(files)


def _package_path(source: zipfile.ZipFile) -> str:
    container = etree.fromstring(source.read("META-INF/container.xml"))
    rootfile = container.find(".//{*}rootfile")
    assert rootfile is not None, "container.xml without a rootfile"
    return rootfile.get("full-path", "")


def _chapter_overlays(package, narration: Narration) -> dict[str, tuple[bytes, float]]:  # type: ignore[no-untyped-def]
    """SMIL bytes and duration per chapter href, for chapters that have narration."""
    overlays = {}
    for item in package.iter(f"{_OPF}item"):
        href = item.get("href", "")
        if item.get("media-type") != "application/xhtml+xml" or item.get("properties") == "nav":
            continue
        anchor = href.rsplit("/", 1)[-1].removesuffix(".xhtml")
        timings = [t for t in narration.timings if t.part == anchor]
        if timings:
            duration = sum(t.end - t.begin for t in timings)
            overlays[href] = (_smil(href, timings), duration)
    return overlays


def _smil_name(href: str) -> str:
    return href.removesuffix(".xhtml") + ".smil"


def _smil(href: str, timings: list[Timing]) -> bytes:
    # The SMIL file sits next to its chapter, so the chapter is referenced by file name.
    chapter = quoteattr(href.rsplit("/", 1)[-1])
    depth = "../" * href.count("/")
    pars = "\n".join(
        f'   <par id="par-{index}"><text src={quoteattr(f"{chapter[1:-1]}#{t.element_id}")}/>'
        f'<audio src="{depth}{AUDIO_PATH}" clipBegin="{clock(t.begin)}"'
        f' clipEnd="{clock(t.end)}"/></par>'
        for index, t in enumerate(timings, 1)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops"'
        ' version="3.0">\n <body>\n'
        f'  <seq id="seq-1" epub:textref={chapter}>\n{pars}\n  </seq>\n </body>\n</smil>\n'
    ).encode()


def _update_package(package, overlays, narration: Narration, summary: str) -> None:  # type: ignore[no-untyped-def]
    manifest = package.find(f"{_OPF}manifest")
    metadata = package.find(f"{_OPF}metadata")
    for item in list(manifest):
        href = item.get("href", "")
        if href in overlays:
            overlay_id = "mo-" + item.get("id")
            item.set("media-overlay", overlay_id)
            _sub(manifest, "item", id=overlay_id, href=_smil_name(href))
            manifest[-1].set("media-type", "application/smil+xml")
            _meta(metadata, "media:duration", clock(overlays[href][1]), refines="#" + overlay_id)
    _sub(manifest, "item", id="narration", href=AUDIO_PATH)
    manifest[-1].set("media-type", "audio/mpeg")
    total = sum(duration for _, duration in overlays.values())
    _meta(metadata, "media:duration", clock(total))
    _meta(metadata, "media:active-class", ACTIVE_CLASS)
    _meta(metadata, "media:narrator", "; ".join(narration.voices))
    for prop, value in (
        ("schema:accessMode", "auditory"),
        ("schema:accessModeSufficient", "auditory"),
        ("schema:accessibilityFeature", "synchronizedAudioText"),
    ):
        _meta(metadata, prop, value)
    for meta in metadata.iter(f"{_OPF}meta"):
        if meta.get("property") == "schema:accessibilitySummary":
            meta.text = f"{meta.text} {summary}"


def _sub(parent, tag: str, **attributes: str):  # type: ignore[no-untyped-def]
    element = etree.SubElement(parent, f"{_OPF}{tag}")
    for name, value in attributes.items():
        element.set(name, value)
    element.tail = "\n    "
    return element


def _meta(metadata, prop: str, value: str, refines: str | None = None) -> None:  # type: ignore[no-untyped-def]
    meta = _sub(metadata, "meta", property=prop)
    if refines:
        meta.set("refines", refines)
    meta.text = value


def _add_active_style(files: dict[str, bytes], folder: str, package) -> None:  # type: ignore[no-untyped-def]
    for item in package.iter(f"{_OPF}item"):
        if item.get("media-type") == "text/css":
            files[folder + item.get("href")] += _ACTIVE_CSS.encode("utf-8")


def _zipped(files: dict[str, bytes]) -> bytes:
    out = BytesIO()
    names = ["mimetype"] + [name for name in files if name != "mimetype"]
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            entry = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            # The mimetype stays first and stored; MP3 is compressed already.
            stored = name == "mimetype" or name.endswith(".mp3")
            entry.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, files[name])
    return out.getvalue()
