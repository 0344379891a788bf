"""Table tags a screen reader can follow, on top of WeasyPrint's tagged PDF.

WeasyPrint tags a PDF page by page: a table running over pages becomes one
table per page with its header repeated, header cells carry no scope, a
caption positioned out of the flow lands in tables nested inside the table,
and the running header and page numbers are marked as content that belongs to
no element. `tags_finished` mends the structure tree:

- every TH gets /A << /O /Table /Scope /Column >> (header rows) or /Row (a
  header cell in a body row, as the templates' scope="row");
- a table continued on the next page is joined into the first one: its rows
  move into the first table's body, the repeated header becomes a pagination
  artifact and the cells' /Headers point at the first table's header cells;
- a caption wrapped in nested tables becomes the table's first child;
- content in no element (page margins) becomes a pagination artifact;
- the ParentTree forgets the artifacts and an IDTree lists the header ids.

If anything goes wrong the PDF is returned as WeasyPrint wrote it (a warning
is logged): the document is never lost over its tags.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from contextvars import ContextVar

import pikepdf
from pikepdf import Array, Dictionary, Name, String

logger = logging.getLogger(__name__)

# A structure element: a pikepdf dictionary with /S (pikepdf types them all
# as Object).
_Element = pikepdf.Object

_MARKED = re.compile(rb"/(\w+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
_ARTIFACT = b"/Artifact\n<</Type /Pagination>>\nBDC"
_ROW_GROUPS = ("/THead", "/TBody", "/TFoot")


def tags_finished(pdf: bytes) -> bytes:
    """The PDF with its tables tagged as tables (see the module's text)."""
    try:
        return _finished(pdf)
    except Exception:
        logger.warning("PDF tags left as WeasyPrint wrote them", exc_info=True)
        return pdf


def _finished(pdf: bytes) -> bytes:
    token = _CACHE.set(_Cache())
    try:
        return _mended(pdf)
    finally:
        _CACHE.reset(token)


def _mended(pdf: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        root = document.Root.get("/StructTreeRoot")
        if root is None:
            return pdf
        tree = _Tree(document, root)
        tree.artifact_orphans()
        for table in tree.tables:
            _flatten_nested(table)
        tree.join_continued_tables()
        for table in tree.tables:
            _give_scopes(table)
        tree.write_artifacts()
        tree.write_id_tree()
        out = io.BytesIO()
        document.save(out, compress_streams=True)
        return out.getvalue()


class _Cache:
    """What a run has read of the tree: each element's kids and tag, read
    from pikepdf once."""

    def __init__(self) -> None:
        self.kids: dict[tuple[int, int], list[pikepdf.Object]] = {}
        self.elements: dict[tuple[int, int], list[_Element]] = {}
        self.tags: dict[tuple[int, int], str] = {}


_CACHE: ContextVar[_Cache] = ContextVar("pdf_tags_cache")


def _kids(element: _Element) -> list[pikepdf.Object]:
    cache = _CACHE.get()
    key = element.objgen
    found = cache.kids.get(key)
    if found is None:
        k = element.get("/K")
        found = [] if k is None else list(k) if isinstance(k, Array) else [k]
        cache.kids[key] = found
    return found


def _child_elements(element: _Element) -> list[_Element]:
    cache = _CACHE.get()
    key = element.objgen
    found = cache.elements.get(key)
    if found is None:
        found = [k for k in _kids(element) if _is_element(k)]
        cache.elements[key] = found
    return found


def _is_element(k: pikepdf.Object) -> bool:
    return isinstance(k, Dictionary) and "/S" in k


def _set_kids(element: _Element, kids: list[pikepdf.Object]) -> None:
    element.K = Array(kids)
    cache = _CACHE.get()
    cache.kids[element.objgen] = list(kids)
    cache.elements.pop(element.objgen, None)


def _tag(element: _Element) -> str:
    cache = _CACHE.get()
    key = element.objgen
    found = cache.tags.get(key)
    if found is None:
        found = cache.tags[key] = str(element.S)
    return found


def _descendants(element: _Element) -> list[_Element]:
    """The elements under one, in reading order."""
    found: list[_Element] = []
    stack = list(reversed(_child_elements(element)))
    while stack:
        el = stack.pop()
        found.append(el)
        stack.extend(reversed(_child_elements(el)))
    return found


def _remove_child(parent: _Element, child: _Element) -> None:
    _set_kids(parent, [k for k in _kids(parent) if not _same(k, child)])


def _same(a: pikepdf.Object, b: pikepdf.Object) -> bool:
    return _is_element(a) and a.objgen == b.objgen


def _flatten_nested(table: _Element) -> None:
    """A table inside a table (WeasyPrint's wrapper of an out-of-flow
    caption) gives up its contents to the outer table; the caption goes
    first."""
    changed = True
    while changed:
        changed = False
        kids: list[pikepdf.Object] = []
        for kid in _kids(table):
            if _is_element(kid) and _tag(kid) == "/Table":
                for inner in _kids(kid):
                    if _is_element(inner):
                        inner.P = table
                    kids.append(inner)
                changed = True
            else:
                kids.append(kid)
        if changed:
            _set_kids(table, kids)
    captions = [k for k in _kids(table) if _is_element(k) and _tag(k) == "/Caption"]
    if captions:
        rest = [k for k in _kids(table) if not any(_same(k, c) for c in captions)]
        _set_kids(table, [*captions[:1], *rest])
        for extra in captions[1:]:  # more than one: their text joins the first
            for kid in _kids(extra):
                if _is_element(kid):
                    kid.P = captions[0]
            _set_kids(captions[0], [*_kids(captions[0]), *_kids(extra)])


def _rows(table: _Element) -> Iterator[tuple[str, _Element]]:
    """(row group, TR) of a table, in order; rows outside a group count as
    the body."""
    for kid in _child_elements(table):
        if _tag(kid) in _ROW_GROUPS:
            for row in _child_elements(kid):
                if _tag(row) == "/TR":
                    yield _tag(kid), row
        elif _tag(kid) == "/TR":
            yield "/TBody", kid


def _give_scopes(table: _Element) -> None:
    first = True
    for group, row in _rows(table):
        cells = [c for c in _child_elements(row) if _tag(c) in ("/TH", "/TD")]
        header_row = group == "/THead" or (
            first and group != "/TFoot" and all(_tag(c) == "/TH" for c in cells)
        )
        first = False
        for cell in cells:
            if _tag(cell) == "/TH":
                _set_scope(cell, "/Column" if header_row else "/Row")


def _set_scope(cell: _Element, scope: str) -> None:
    attributes = cell.get("/A")
    owned: list[pikepdf.Object] = (
        [attributes] if isinstance(attributes, Dictionary) else []
    )
    if isinstance(attributes, Array):
        owned = [a for a in attributes if isinstance(a, Dictionary)]
    for found in owned:
        if found.get("/O") == Name.Table:
            found.Scope = Name(scope)
            return
    mine = Dictionary(O=Name.Table, Scope=Name(scope))
    if attributes is None:
        cell.A = mine
    elif isinstance(attributes, Array):
        attributes.append(mine)
    else:
        cell.A = Array([attributes, mine])


class _Tree:
    """The structure tree, walked once: every element in reading order, the
    outermost table each belongs to and the pages each table is on."""

    def __init__(self, document: pikepdf.Pdf, root: _Element) -> None:
        self.document = document
        self.root = root
        nums = root.ParentTree.Nums
        self.parent_tree: dict[int, pikepdf.Object] = {
            int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)
        }
        self.key_of_page: dict[tuple[int, int], int] = {}
        for page in document.pages:
            if "/StructParents" in page.obj:
                self.key_of_page[page.obj.objgen] = int(page.obj.StructParents)
        self.artifacts: dict[int, set[int]] = {}  # parent tree key: MCIDs
        self.removed: set[tuple[int, int]] = set()
        self.elements: list[_Element] = []
        self.holders: list[_Element] = []  # elements with content of their own
        self.table_of: dict[tuple[int, int], _Element] = {}
        self.pages_of: dict[tuple[int, int], set[tuple[int, int]]] = {}
        self.tables: list[_Element] = []  # the outermost ones
        k = root.K
        tops = [e for e in (k if isinstance(k, Array) else [k]) if _is_element(e)]
        stack: list[tuple[_Element, _Element | None]] = [
            (top, None) for top in reversed(tops)
        ]
        while stack:
            element, table = stack.pop()
            self.elements.append(element)
            if table is None and _tag(element) == "/Table":
                table = element
                self.tables.append(table)
                self.pages_of[table.objgen] = set()
            if table is not None:
                self.table_of[element.objgen] = table
                on_page = element.get("/Pg")
                if on_page is not None:
                    self.pages_of[table.objgen].add(on_page.objgen)
            if any(isinstance(kid, int) for kid in _kids(element)):
                self.holders.append(element)
            stack.extend((child, table) for child in reversed(_child_elements(element)))

    def artifact_orphans(self) -> None:
        """Marked content whose element is not in the tree (the page margins'
        running header and page number) becomes an artifact."""
        reached = {e.objgen for e in self.elements}
        for key, owners in self.parent_tree.items():
            for mcid, owner in enumerate(owners):
                if _is_element(owner) and owner.objgen not in reached:
                    self.artifacts.setdefault(key, set()).add(mcid)

    def _artifact_content_of(self, element: _Element) -> None:
        for el in [element, *_descendants(element)]:
            self.removed.add(el.objgen)
            page = el.get("/Pg")
            for kid in _kids(el):
                if isinstance(kid, int) and page is not None:
                    key = self.key_of_page.get(page.objgen)
                    if key is not None:
                        self.artifacts.setdefault(key, set()).add(int(kid))

    def join_continued_tables(self) -> None:
        """A table whose first content follows the last content of the table
        before it, on other pages, with as many columns, is that table
        continued."""
        previous: _Element | None = None
        joined_into: dict[tuple[int, int], _Element] = {}
        for holder in self.holders:
            table = self.table_of.get(holder.objgen)
            if table is None:
                previous = None
                continue
            if previous is not None and table.objgen != previous.objgen:
                first = joined_into.get(previous.objgen, previous)
                if self._continues(first, table):
                    self._join(first, table)
                    joined_into[table.objgen] = first
            previous = table
        self.tables = [t for t in self.tables if t.objgen not in joined_into]

    def _continues(self, first: _Element, more: _Element) -> bool:
        if any(_tag(k) == "/Caption" for k in _child_elements(more)):
            return False
        pages, their_pages = self.pages_of[first.objgen], self.pages_of[more.objgen]
        return not (pages & their_pages) and _columns(first) == _columns(more)

    def _join(self, first: _Element, more: _Element) -> None:
        renamed = dict(zip(_header_ids(more), _header_ids(first), strict=False))
        body = next(
            (g for g in reversed(_child_elements(first)) if _tag(g) == "/TBody"),
            first,
        )
        moved: list[_Element] = []
        for kid in _child_elements(more):
            if _tag(kid) == "/THead":
                self._artifact_content_of(kid)
            elif _tag(kid) in ("/TBody", "/TFoot"):
                moved.extend(_child_elements(kid))
            else:
                moved.append(kid)
        for row in moved:
            row.P = body
            for cell in _child_elements(row):
                _rename_headers(cell, renamed)
        _set_kids(body, [*_kids(body), *moved])
        self.pages_of[first.objgen] |= self.pages_of[more.objgen]
        self._detach(more)

    def _detach(self, element: _Element) -> None:
        """Take an element out of the tree, and any wrapper left empty."""
        parent = element.get("/P")
        while parent is not None and _is_element(parent):
            _remove_child(parent, element)
            if _kids(parent) or _tag(parent) in ("/Document", "/Part"):
                return
            element, parent = parent, parent.get("/P")

    def write_artifacts(self) -> None:
        for page in self.document.pages:
            key = self.key_of_page.get(page.obj.objgen)
            if key is None or not self.artifacts.get(key):
                continue
            mcids = self.artifacts[key]
            owners = self.parent_tree[key]
            for mcid in mcids:
                if mcid < len(owners):
                    owners[mcid] = None
            _rewrite_marks(page, mcids)

    def write_id_tree(self) -> None:
        ids: dict[str, _Element] = {}
        for table in self.tables:
            for el in _descendants(table):
                if _tag(el) == "/TH" and el.objgen not in self.removed:
                    found = el.get("/ID")
                    if isinstance(found, String):
                        ids[str(found)] = el
        if not ids:
            return
        names: list[pikepdf.Object] = []
        for key in sorted(ids, key=lambda i: i.encode()):
            names.extend([String(key), ids[key]])
        self.root.IDTree = self.document.make_indirect(Dictionary(Names=Array(names)))


def _rename_headers(cell: _Element, renamed: dict[str, str]) -> None:
    """A continued table's cells name the first table's header cells."""
    attributes = cell.get("/A")
    for owned in attributes if isinstance(attributes, Array) else [attributes]:
        if isinstance(owned, Dictionary) and "/Headers" in owned:
            owned.Headers = Array(
                String(renamed.get(str(h), str(h))) for h in owned.Headers
            )


def _header_ids(table: _Element) -> list[str]:
    return [
        str(cell.ID)
        for group, row in _rows(table)
        if group == "/THead"
        for cell in _child_elements(row)
        if "/ID" in cell
    ]


def _columns(table: _Element) -> int:
    widths = [len(_child_elements(row)) for _, row in _rows(table)]
    return max(widths, default=0)


def _rewrite_marks(page: pikepdf.Page, mcids: set[int]) -> None:
    contents = page.obj.Contents
    streams = list(contents) if isinstance(contents, Array) else [contents]
    for stream in streams:
        data = stream.read_bytes()

        def mark(found: re.Match[bytes]) -> bytes:
            return _ARTIFACT if int(found.group(2)) in mcids else found.group(0)

        rewritten = _MARKED.sub(mark, data)
        if rewritten != data:
            stream.write(rewritten)
