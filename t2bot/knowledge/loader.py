"""Load the knowledge folder: parse every YAML file, merge the sections, validate, and report
every problem with its file, line and place, so that a broken edit never reaches a member."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from t2bot.knowledge.ask_sections import check_ask_sections
from t2bot.knowledge.model import Knowledge
from t2bot.knowledge.validate import SeeLine, check_semantics

LIST_SECTIONS = (
    "nodes",
    "endings",
    "contributors",
    "tips",
    "stretches",
    "facts",
    "signs",
    "notes",
    "faq",
)
SINGLE_SECTIONS = ("meta", "start", "followups")
MAP_SECTIONS = ("references", "phrases", "synonyms")
KNOWN_SECTIONS = LIST_SECTIONS + SINGLE_SECTIONS + MAP_SECTIONS
REQUIRED_LISTS = ("nodes", "contributors", "tips", "stretches")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    place: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.place}: {self.message}" if self.place else f"{where}: {self.message}"
        )


class KnowledgeError(Exception):
    """The knowledge folder cannot be used; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Origin:
    file: str
    path: tuple[Any, ...]  # path inside that file's document


class SourceMap:
    """Maps a place in the merged document back to its file and line."""

    def __init__(self, folder: str = "knowledge") -> None:
        self.folder = folder
        self.lines: dict[tuple[str, tuple[Any, ...]], int] = {}
        self.origins: dict[tuple[Any, ...], Origin] = {}
        self.item_ids: dict[tuple[Any, ...], str] = {}

    def locate(self, merged_path: tuple[Any, ...]) -> tuple[str, int | None, str]:
        """Longest known prefix of ``merged_path`` -> (file, line, readable place)."""
        for cut in range(len(merged_path), 0, -1):
            origin = self.origins.get(tuple(merged_path[:cut]))
            if origin is None:
                continue
            file_path = origin.path + tuple(merged_path[cut:])
            for tail in range(len(file_path), -1, -1):
                line = self.lines.get((origin.file, file_path[:tail]))
                if line is not None:
                    return origin.file, line, self.describe(merged_path)
            return origin.file, None, self.describe(merged_path)
        return self.folder, None, self.describe(merged_path)

    def describe(self, path: tuple[Any, ...]) -> str:
        return describe(path, self.item_ids)


def describe(path: tuple[Any, ...], item_ids: dict[tuple[Any, ...], str]) -> str:
    """``('nodes', 3, 'answers', 1, 'next')`` -> ``nodes[3] (id: aero) > answers[1] > next``."""
    parts: list[str] = []
    for i, key in enumerate(path):
        if isinstance(key, int):
            label = f"[{key}]"
            item = item_ids.get(tuple(path[: i + 1]))
            if item:
                label += f" (id: {item})"
            if parts:
                parts[-1] += label
            else:
                parts.append(label)
        else:
            parts.append(str(key))
    return " > ".join(parts)


#: Limits that keep a hostile or broken file from costing the bot time or memory.
MAX_FILE_BYTES = 2_000_000
MAX_YAML_NODES = 50_000  # the real files have about 1,200 each
MAX_YAML_DEPTH = 40
_MERGE_TAG = "tag:yaml.org,2002:merge"
#: libyaml's parser when installed (fast); the screen only needs events, no Python objects.
_EVENT_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _record_lines(
    file: str, node: yaml.Node, path: tuple[Any, ...], out: dict[tuple[str, tuple[Any, ...]], int]
) -> None:
    out[(file, path)] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[(file, (*path, key))] = key_node.start_mark.line + 1
            _record_lines(file, value_node, (*path, key), out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(file, item, (*path, index), out)


class _Checks(yaml.constructor.SafeConstructor):
    """Safe construction that refuses a key written twice in one mapping (YAML would keep the
    last), keys that are not plain text and merge keys, and turns any value it cannot build (a
    date that does not exist, ...) into a ``ConstructorError`` with the value's line."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read this value ({exc})", node.start_mark
            ) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    "a key must be a plain word, not a list or mapping",
                    key_node.start_mark,
                )
            if key_node.tag == _MERGE_TAG:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    "'<<' merge keys are not allowed: write the keys out",
                    key_node.start_mark,
                )
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key '{key}' is written twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _UniqueKeyLoader(_Checks, yaml.SafeLoader):
    """PyYAML's safe loader with the checks above."""


#: The same with libyaml's parser when installed (several times faster). It only reads files
#: that the screen already parsed, so syntax problems keep PyYAML's wording.
_FastLoader: Any = (
    type("_FastLoader", (_Checks, yaml.CSafeLoader), {})
    if hasattr(yaml, "CSafeLoader")
    else _UniqueKeyLoader
)


def _screen(text: str) -> tuple[int | None, str] | None:
    """Walk the YAML events (no tree is built) and refuse what a knowledge file never needs
    but an attack does: anchors and aliases ("billion laughs"), too many values, deep nesting.
    Returns (line, problem) for the first one found. Broken YAML raises ``yaml.YAMLError``
    with PyYAML's own wording (libyaml's differs, so it only does the fast first pass)."""
    if _EVENT_LOADER is yaml.SafeLoader:  # no libyaml: PyYAML's scanner slows down on deep [[[
        deep = _bracket_depth(text)
        if deep is not None:
            return deep, f"nested more than {MAX_YAML_DEPTH} levels deep"
        return _screen_events(text, yaml.SafeLoader)
    try:
        return _screen_events(text, _EVENT_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if "nesting depth" in str(exc):  # libyaml stops at 1000 levels, before our count does
            return _line_of(mark), f"nested more than {MAX_YAML_DEPTH} levels deep"
        return _screen_events(text, yaml.SafeLoader)  # for PyYAML's wording of the problem


#: Files up to this many characters take the fast path (``_compose_screened``); composing one
#: cannot build many more nodes than the limit allows, however it is written.
FAST_SCREEN_CHARS = 2 * MAX_YAML_NODES
#: An ``&`` or ``*`` where YAML could read an anchor or an alias (a safe over-estimate: text
#: such as "**bold**" also matches, and then the event screen decides).
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[\]{},:?!-])[&*]\S", re.MULTILINE)


def _compose_screened(text: str) -> tuple[Any, yaml.Node | None] | None:
    """The fast path of ``_screen`` for ordinary files: compose the node tree with libyaml at
    once and check the same limits on the tree (no anchor or alias, at most ``MAX_YAML_NODES``
    values, ``MAX_YAML_DEPTH`` levels). Returns (loader, tree) when every limit holds, so the
    tree is parsed once instead of twice; ``None`` whenever anything is off (a possible anchor,
    broken YAML, too big, too deep, no libyaml), and then ``_screen`` runs as before and words
    the problem with its line, so every message stays the same."""
    if (
        _EVENT_LOADER is yaml.SafeLoader
        or len(text) > FAST_SCREEN_CHARS
        or _MAYBE_ANCHOR.search(text)
    ):
        return None
    loader = _FastLoader(text)
    try:
        tree = loader.get_single_node()
    except yaml.YAMLError:
        loader.dispose()
        return None
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [] if tree is None else [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:  # the same node twice: an alias
            loader.dispose()
            return None
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                loader.dispose()
                return None
            if isinstance(node, yaml.MappingNode):
                stack.extend((part, depth) for pair in node.value for part in pair)
            else:
                stack.extend((item, depth) for item in node.value)
    if len(seen) > MAX_YAML_NODES:
        loader.dispose()
        return None
    return loader, tree


def _bracket_depth(text: str) -> int | None:
    """The line where ``[`` and ``{`` (counted anywhere, a safe over-estimate of flow nesting)
    first go more than ``MAX_YAML_DEPTH`` deep, if they do."""
    depth = 0
    line = 1
    for ch in text:
        if ch in "[{":
            depth += 1
            if depth > MAX_YAML_DEPTH:
                return line
        elif ch in "]}":
            depth = max(0, depth - 1)
        elif ch == "\n":
            line += 1
    return None


def _screen_events(text: str, event_loader: Any) -> tuple[int | None, str] | None:
    nodes = 0
    depth = 0
    for event in yaml.parse(text, Loader=event_loader):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent):
            return line, (
                f"aliases (*{event.anchor}) are not allowed in knowledge files: "
                "write the text out in full"
            )
        if isinstance(event, yaml.NodeEvent):
            if event.anchor is not None:
                return line, (
                    f"anchors (&{event.anchor}) are not allowed in knowledge files: "
                    "write the text out in full"
                )
            nodes += 1
            if nodes > MAX_YAML_NODES:
                return line, f"more than {MAX_YAML_NODES} values in one file: split it up"
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                return line, f"nested more than {MAX_YAML_DEPTH} levels deep"
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _parse_file(path: Path, problems: list[Problem]) -> tuple[Any, yaml.Node | None] | None:
    """Read one file into (document, node tree); on any problem add it and return None."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(
                Problem(
                    name,
                    None,
                    "",
                    f"the file is {size:,} bytes; knowledge files may be at most "
                    f"{MAX_FILE_BYTES:,}: split it up",
                )
            )
            return None
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(name, None, "", f"cannot read the file: {exc.strerror or exc}"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(
                name,
                line,
                "",
                (
                    "this line has characters that are not UTF-8: save the file as UTF-8 "
                    "(in most editors: Save with encoding > UTF-8)"
                ),
            )
        )
        return None
    try:
        fast = _compose_screened(text)
        if fast is None:
            screened = _screen(text)
            if screened is not None:
                problems.append(Problem(name, screened[0], "", screened[1]))
                return None
        loader = _FastLoader(text) if fast is None else fast[0]
        try:
            tree = loader.get_single_node() if fast is None else fast[1]
            document = loader.construct_document(tree) if tree is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        at, reason = _yaml_problem(exc, text)
        problems.append(Problem(name, at, "", f"not valid YAML: {reason}"))
        return None
    except Exception as exc:  # never a traceback for a broken file: report it like the rest
        problems.append(Problem(name, None, "", f"cannot be read as YAML ({type(exc).__name__})"))
        return None
    return document, tree


def _read_files(folder: Path, problems: list[Problem], smap: SourceMap) -> dict[str, Any]:
    merged: dict[str, Any] = {name: [] for name in LIST_SECTIONS}
    merged.update({name: {} for name in MAP_SECTIONS})
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    if not files:
        problems.append(Problem(str(folder), None, "", "no .yaml files found in this folder"))
        return merged
    for path in files:
        name = str(path)
        parsed = _parse_file(path, problems)
        if parsed is None:
            continue
        document, tree = parsed
        if document is None:
            continue
        if not isinstance(document, dict):
            problems.append(Problem(name, 1, "", "the file must be a mapping of sections"))
            continue
        assert tree is not None  # a document that is a mapping has a node tree
        _record_lines(name, tree, (), smap.lines)
        for section, value in document.items():
            line = smap.lines.get((name, (section,)))
            if section not in KNOWN_SECTIONS:
                known = ", ".join(KNOWN_SECTIONS)
                problems.append(
                    Problem(name, line, str(section), f"unknown section (known: {known})")
                )
            elif section in LIST_SECTIONS:
                if not isinstance(value, list):
                    problems.append(Problem(name, line, section, "must be a list of items"))
                    continue
                for index, item in enumerate(value):
                    merged_index = len(merged[section])
                    smap.origins[(section, merged_index)] = Origin(name, (section, index))
                    if isinstance(item, dict) and isinstance(item.get("id"), str):
                        smap.item_ids[(section, merged_index)] = item["id"]
                    merged[section].append(item)
            elif section in MAP_SECTIONS:
                if not isinstance(value, dict):
                    problems.append(Problem(name, line, section, "must be a mapping of key: entry"))
                    continue
                for key, item in value.items():
                    if key in merged[section]:
                        problems.append(Problem(name, line, f"{section} > {key}", "defined twice"))
                    smap.origins[(section, key)] = Origin(name, (section, key))
                    merged[section][key] = item
            else:
                if section in merged:
                    problems.append(Problem(name, line, section, "section defined in two files"))
                smap.origins[(section,)] = Origin(name, (section,))
                merged[section] = value
    for section in LIST_SECTIONS + MAP_SECTIONS:
        smap.origins.setdefault((section,), Origin(str(files[0]), (section,)))
    return merged


def _line_of(mark: yaml.Mark | None) -> int | None:
    return mark.line + 1 if mark is not None else None


def _yaml_problem(exc: yaml.YAMLError, text: str) -> tuple[int | None, str]:
    """The line to look at and PyYAML's problem with a hint naming the likely mistake.

    PyYAML reports where it gave up, which for an unclosed quote can be hundreds of lines
    later: the quoted text that ran over several lines is where the mistake is."""
    mark: yaml.Mark | None = getattr(exc, "problem_mark", None)
    problem = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
    context = str(getattr(exc, "context", None) or "")
    opened = _runaway_quote(text, mark)
    if "while scanning a quoted scalar" in context or opened is not None:
        start = getattr(exc, "context_mark", None) if opened is None else opened
        quote = text[start.index] if start is not None and start.index < len(text) else '"'
        return _line_of(start), (
            f"the text in quotes that starts on this line is not closed: add the closing "
            f"{quote} at the end of the text (inside it, write {quote} as "
            f"{_ESCAPED_QUOTE.get(quote, quote)})"
        )
    line_text = _line_text(text, mark)
    before = line_text[: mark.column] if mark is not None else ""
    if "\\t" in problem or "\t" in problem:
        return _line_of(mark), f"{problem} (indent with spaces, not tabs)"
    if "mapping values are not allowed" in problem and ": " in before.split("#")[0]:
        return _line_of(mark), (
            "this line has a second ': ' (colon and space) in a text without quotes, so "
            'YAML reads it as another key: put the whole text in quotes, e.g. text: "Pace: easy"'
        )
    if "expected <block end>" in problem and before.rstrip().endswith(('"', "'")):
        return _line_of(mark), (
            "the text goes on after its closing quote: put the whole text inside the quotes, "
            "e.g. text: 'A \"quoted\" word and more'"
        )
    if "expected <block end>" in problem or "mapping values are not allowed" in problem:
        return _line_of(mark), (
            f"{problem} (check the indentation of this line and the one before it)"
        )
    return _line_of(mark), problem


_ESCAPED_QUOTE = {'"': '\\"', "'": "''"}


def _runaway_quote(text: str, mark: yaml.Mark | None) -> yaml.Mark | None:
    """Where the last quoted text before ``mark`` that spans several lines starts, if any
    (knowledge files never need a quoted text over several lines; ``>`` blocks do that)."""
    found: yaml.Mark | None = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if mark is not None and token.start_mark.index >= mark.index:
                break
            if (
                isinstance(token, yaml.ScalarToken)
                and token.style in ('"', "'")
                and token.start_mark.line != token.end_mark.line
            ):
                found = token.start_mark
    except yaml.YAMLError:
        pass
    return found


def _line_text(text: str, mark: yaml.Mark | None) -> str:
    if mark is None:
        return ""
    lines = text.splitlines()
    return lines[mark.line] if mark.line < len(lines) else ""


def flow_version(knowledge: Knowledge) -> str:
    """Hash of what a tap means: which buttons exist, where they lead and what they count for.
    Rewording keeps open checks valid; adding, removing or reordering answers, changing their
    points or their ``one_of`` groups, makes old buttons stale (members are asked to start over)."""
    shape = {
        "start": knowledge.start,
        "nodes": [
            [
                n.id,
                n.kind,
                n.next,
                [
                    [a.next, a.end, sorted(a.weights.items()), a.why, a.sign, sorted(a.sets)]
                    + ([a.exclusive] if n.kind == "checklist" else [])
                    + ([a.one_of] if a.one_of is not None else [])
                    for a in n.answers
                ],
                [[f.id, f.urgency.value, sorted(f.unless), f.alone] for f in n.flags],
                n.advice,
                *([n.end] if n.kind == "checklist" else []),
            ]
            for n in knowledge.nodes
        ],
        "signs": [[f.id, f.urgency.value, sorted(f.unless)] for f in knowledge.signs],
    }
    digest = hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()
    return digest[:6]


def load_knowledge(folder: str | Path) -> Knowledge:
    """Load and validate; raise ``KnowledgeError`` with every problem found."""
    folder = Path(folder)
    problems: list[Problem] = []
    smap = SourceMap(str(folder))
    if not folder.is_dir():
        raise KnowledgeError([Problem(str(folder), None, "", "knowledge folder not found")])
    merged = _read_files(folder, problems, smap)
    for section in REQUIRED_LISTS:
        if not problems and not merged.get(section):  # (a file that failed to parse may hold it)
            problems.append(
                Problem(
                    str(folder),
                    None,
                    section,
                    (
                        "no items found: this section is missing or empty (was a file removed or "
                        "renamed? Each section lives in a .yaml file in this folder)"
                    ),
                )
            )
    if problems:
        raise KnowledgeError(problems)
    try:
        knowledge = Knowledge.model_validate(merged)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            file, line, place = smap.locate(loc)
            problems.append(Problem(file, line, place, _pydantic_message(error)))
        raise KnowledgeError(problems) from None
    for loc, message in check_semantics(knowledge) + check_ask_sections(knowledge):
        file, line, place = smap.locate(loc)
        if isinstance(message, SeeLine):
            other, other_line, _ = smap.locate(message.place)
            message = message.replace("{where}", f"{other}:{other_line}" if other_line else other)
        problems.append(Problem(file, line, place, message))
    if problems:
        raise KnowledgeError(problems)
    return knowledge.model_copy(update={"version": flow_version(knowledge)})


def _pydantic_message(error: ErrorDetails) -> str:
    """Plain words for what pydantic found (no library wording such as "Input should be")."""
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key (check the spelling; see the comments at the top of the file)"
    if kind == "missing":
        return "required but missing"
    if kind == "string_pattern_mismatch" and error["loc"] and error["loc"][-1] in ("id",):
        return "ids are lowercase letters, digits and _ (at most 32), starting with a letter"
    if kind == "string_type" and isinstance(error.get("input"), bool | int | float):
        return (
            f"must be text, but YAML read {error['input']!r}: put it in quotes "
            '(for example label: "Yes")'
        )
    ctx = error.get("ctx") or {}
    plain = _PLAIN.get(kind)
    if plain is None:
        message = str(error["msg"])
    else:
        try:
            message = plain.format(**ctx)
        except (KeyError, IndexError):
            message = str(error["msg"])
    if "input" in error:
        message += f" (it is {_shown_input(error['input'])})"
    return message


#: pydantic's error types in the words of the file's comments ({...}: pydantic's context).
_PLAIN = {
    "string_type": "must be text",
    "string_too_short": "must not be empty",
    "string_too_long": "is too long: at most {max_length} characters",
    "string_pattern_mismatch": "is not written the way this key needs (see the file's header)",
    "list_type": "must be a list: items on lines starting with '- ', or [a, b]",
    "tuple_type": "must be a list: items on lines starting with '- ', or [a, b]",
    "set_type": "must be a list: items on lines starting with '- ', or [a, b]",
    "dict_type": "must be 'key: value' lines (a mapping), or {key: value}",
    "model_type": "must be 'key: value' lines (a mapping), or {key: value}",
    "model_attributes_type": "must be 'key: value' lines (a mapping), or {key: value}",
    "too_short": "needs at least {min_length} item(s)",
    "too_long": "has too many items: at most {max_length}",
    "int_type": "must be a whole number, like 3",
    "int_parsing": "must be a whole number, like 3",
    "int_from_float": "must be a whole number, like 3",
    "float_type": "must be a number, like 2.5",
    "float_parsing": "must be a number, like 2.5",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "literal_error": "must be one of: {expected}",
    "enum": "must be one of: {expected}",
    "greater_than": "must be more than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
    "url_parsing": "must be a web address starting with https://",
    "url_scheme": "must be a web address starting with https://",
}


def _shown_input(value: Any) -> str:
    if value == []:
        return "an empty list, []"
    if value == {}:
        return "an empty mapping, {}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "empty"
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."
