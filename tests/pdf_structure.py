"""The tables of a tagged PDF as its structure tree tells them, read with
pikepdf: what a screen reader is given, not what is drawn."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary


@dataclass
class Header:
    text: str
    scope: str | None  # "Column", "Row" or None


@dataclass
class Table:
    caption: str | None  # the text of a Caption child of the Table
    rows: list[list[str]] = field(default_factory=list)  # the tags of each TR
    headers: list[Header] = field(default_factory=list)
    nested: bool = False  # a Table inside it
    pages: set[int] = field(default_factory=set)  # page numbers from 1
    children: list[str] = field(default_factory=list)  # tags under the Table


def _kids(element: Dictionary) -> list[pikepdf.Object]:
    k = element.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, Array) else [k]


def _elements(element: Dictionary) -> list[Dictionary]:
    return [k for k in _kids(element) if isinstance(k, Dictionary) and "/S" in k]


def _descendants(element: Dictionary) -> list[Dictionary]:
    found = []
    for child in _elements(element):
        found.append(child)
        found.extend(_descendants(child))
    return found


class _Text:
    """The text of each page's marked content, by MCID (hex glyph strings
    read back through the fonts' ToUnicode maps)."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pages = {page.objgen: number for number, page in enumerate(pdf.pages, 1)}
        self.by_page: dict[int, dict[int, str]] = {}
        for number, page in enumerate(pdf.pages, 1):
            self.by_page[number] = _marked_text(page)

    def of(self, element: Dictionary) -> str:
        parts = []
        for el in [element, *_descendants(element)]:
            page = self.pages.get(el.Pg.objgen) if "/Pg" in el else None
            for kid in _kids(el):
                if isinstance(kid, int) and page is not None:
                    parts.append(self.by_page[page].get(int(kid), ""))
        return " ".join(" ".join(parts).split())


def _to_unicode(font: Dictionary) -> dict[str, str]:
    cmap = font.get("/ToUnicode")
    if cmap is None:
        return {}
    data = cmap.read_bytes().decode("latin-1")
    found: dict[str, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for glyph, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            found[glyph.lower()] = bytes.fromhex(text).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for start, end, text in re.findall(
            r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            base = int(text, 16)
            for offset, glyph in enumerate(range(int(start, 16), int(end, 16) + 1)):
                found[f"{glyph:0{len(start)}x}"] = chr(base + offset)
    return found


def _marked_text(page: pikepdf.Page) -> dict[int, str]:
    fonts = {
        str(name): _to_unicode(font)
        for name, font in (page.Resources.get("/Font") or {}).items()
    }
    contents = page.obj.Contents
    data = b"".join(
        s.read_bytes()
        for s in (contents if isinstance(contents, Array) else [contents])
    ).decode("latin-1")
    found: dict[int, str] = {}
    for mcid, body in re.findall(r"<</MCID (\d+)>>\s*BDC(.*?)EMC", data, re.S):
        font: dict[str, str] = {}
        text = []
        for name, string in re.findall(r"(/\w+) [\d.]+ Tf|<([0-9a-fA-F]*)>", body):
            if name:
                font = fonts.get(name, {})
            else:
                width = 4
                text.append(
                    "".join(
                        font.get(string[i : i + width].lower(), "")
                        for i in range(0, len(string), width)
                    )
                )
        found[int(mcid)] = "".join(text)
    return found


def pdf_tables(content: bytes) -> list[Table]:
    """Every Table element of the PDF's structure tree that is not inside
    another, in reading order."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        root = pdf.Root.StructTreeRoot
        text = _Text(pdf)
        tops = root.K if isinstance(root.K, Array) else [root.K]
        tables: list[Table] = []

        def walk(element: Dictionary) -> None:
            if str(element.S) == "/Table":
                tables.append(_table(element, text))
                return
            for child in _elements(element):
                walk(child)

        for top in tops:
            walk(top)
        return tables


def _table(element: Dictionary, text: _Text) -> Table:
    children = _elements(element)
    captions = [c for c in children if str(c.S) == "/Caption"]
    table = Table(
        caption=text.of(captions[0]) if captions else None,
        children=[str(c.S)[1:] for c in children],
    )
    for el in _descendants(element):
        tag = str(el.S)
        if tag == "/Table":
            table.nested = True
        elif tag == "/TR":
            table.rows.append([str(c.S)[1:] for c in _elements(el)])
        elif tag == "/TH":
            table.headers.append(Header(text=text.of(el), scope=_scope(el)))
        if "/Pg" in el:
            table.pages.add(text.pages[el.Pg.objgen])
    return table


def _scope(cell: Dictionary) -> str | None:
    attributes = cell.get("/A")
    owned = attributes if isinstance(attributes, Array) else [attributes]
    for found in owned:
        if isinstance(found, Dictionary) and "/Scope" in found:
            return str(found.Scope)[1:]
    return None


def marked_texts(content: bytes) -> list[str]:
    """The text of each page's marked content (what is tagged, not artifacts)."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        return [" ".join(_marked_text(page).values()) for page in pdf.pages]


def tree_problems(content: bytes) -> list[str]:
    """Where the structure tree, the ParentTree, the IDTree and the pages'
    marked content disagree."""
    problems: list[str] = []
    with pikepdf.open(io.BytesIO(content)) as pdf:
        root = pdf.Root.StructTreeRoot
        tops = root.K if isinstance(root.K, Array) else [root.K]
        elements = [e for top in tops for e in [top, *_descendants(top)]]
        reached = {e.objgen for e in elements}
        claimed: dict[tuple[int, int], set[int]] = {}  # page: MCIDs in elements
        for element in elements:
            for kid in _kids(element):
                if isinstance(kid, int):
                    claimed.setdefault(element.Pg.objgen, set()).add(int(kid))
        nums = root.ParentTree.Nums
        parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for number, page in enumerate(pdf.pages, 1):
            marked = set(map(int, re.findall(rb"<</MCID (\d+)>>\s*BDC", _data(page))))
            owners = parent_tree.get(int(page.obj.get("/StructParents", -1)), [])
            if marked != claimed.get(page.obj.objgen, set()):
                problems.append(f"page {number}: marked content not in the tree")
            for mcid in marked:
                owner = owners[mcid] if mcid < len(owners) else None
                if not isinstance(owner, Dictionary) or owner.objgen not in reached:
                    problems.append(f"page {number}: MCID {mcid} has no owner")
                elif mcid not in _kids(owner):
                    problems.append(f"page {number}: MCID {mcid} not in its owner")
        id_tree = root.get("/IDTree")
        names = list(id_tree.Names) if id_tree is not None else []
        ids = {str(names[i]): names[i + 1].objgen for i in range(0, len(names), 2)}
        for element in elements:
            if "/ID" in element and ids.get(str(element.ID)) != element.objgen:
                problems.append(f"{element.ID} not in the IDTree")
            attributes = element.get("/A")
            for owned in attributes if isinstance(attributes, Array) else [attributes]:
                if isinstance(owned, Dictionary) and "/Headers" in owned:
                    problems.extend(
                        f"header {h} of a cell is no element"
                        for h in owned.Headers
                        if str(h) not in ids
                    )
    return problems


def pdfua_check(content: bytes, folder: Path) -> subprocess.CompletedProcess[str]:
    """The independent checker (the pdfua package: a subset of PDF/UA-1)."""
    path = folder / "document.pdf"
    path.write_bytes(content)
    checker = Path(sys.executable).parent / "pdfua"
    return subprocess.run(
        [str(checker), "check", str(path)], capture_output=True, text=True, check=False
    )


def _data(page: pikepdf.Page) -> bytes:
    contents = page.obj.Contents
    return b"".join(
        s.read_bytes()
        for s in (contents if isinstance(contents, Array) else [contents])
    )
