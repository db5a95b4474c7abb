"""How long each function of a JavaScript file is, without a JavaScript parser: strings, template literals,
comments and regular expressions are blanked first, so only code braces count."""

import re

FUNCTION = re.compile(r"function\b[^{;]*\{"  # function name(…) {
                      r"|=>\s*\{"  # (…) => {
                      r"|^[ \t]*(?:async\s+)?(?:static\s+)?#?[A-Za-z_$][\w$]*\s*\([^;{}]*\)\s*\{", re.M)  # method(…) {
NOT_FUNCTIONS = {"if", "for", "while", "switch", "catch", "with", "return"}
REGEX_MAY_FOLLOW = "(,=:[!&|?{};"


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def _end_of_literal(source: str, start: int, quote: str) -> int:
    """The index just past the literal that opens with `quote` at `start`."""
    index = start + 1
    while index < len(source) and source[index] != quote:
        if source[index] == "\\":
            index += 1
        elif quote == "/" and source[index] == "[":  # a class may hold a slash
            index = source.index("]", index)
        index += 1
    return index + 1


def _regex_may_start(source: str, index: int, previous: str) -> bool:
    """A slash opens a regular expression after an operator or `return`, never after a value."""
    return previous in REGEX_MAY_FOLLOW or source[:index].rstrip().endswith("return")


def code_only(source: str) -> str:
    """The source with everything that is not code blanked out, line breaks kept."""
    out, index, previous = [], 0, ""
    while index < len(source):
        if source.startswith("//", index) or source.startswith("/*", index):
            end = source.find("\n" if source[index + 1] == "/" else "*/", index)
            end = len(source) if end < 0 else end + (0 if source[index + 1] == "/" else 2)
        elif source[index] in "\"'`" or (source[index] == "/" and _regex_may_start(source, index, previous)):
            end = _end_of_literal(source, index, source[index])
        else:
            out.append(source[index])
            previous = source[index] if not source[index].isspace() else previous
            index += 1
            continue
        out.append(_blank(source[index:end]))
        index, previous = end, "x"
    return "".join(out)


def js_function_lengths(source: str) -> list[tuple[int, int, str]]:
    """(first line, lines, how it starts) of every function, method and arrow function with a body."""
    code = code_only(source)
    found = []
    for match in FUNCTION.finditer(code):
        head = match.group(0).strip()
        if re.match(r"(?:async\s+)?(\w+)", head) and re.match(r"(?:async\s+)?(\w+)", head).group(1) in NOT_FUNCTIONS:
            continue
        depth, end = 0, match.end() - 1
        for end in range(match.end() - 1, len(code)):
            depth += {"{": 1, "}": -1}.get(code[end], 0)
            if depth == 0:
                break
        first = code.count("\n", 0, match.start()) + 1
        found.append((first, code.count("\n", 0, end) + 2 - first, head))
    return found
