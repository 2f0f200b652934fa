"""Problems found in a description: `FILE:LINE:COL: error: MESSAGE`, collected, then reported."""


class Problem:
    __slots__ = ("file", "line", "col", "message")

    def __init__(self, file, line, col, message):
        self.file, self.line, self.col, self.message = file, line, col, message

    def __str__(self):
        return f"{self.file}:{self.line}:{self.col}: error: {self.message}"


class Failed(Exception):
    """Raised when a step found problems; carries all of them."""

    def __init__(self, problems):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = list(problems)


class Diagnostics:
    """Collects problems so that one run reports every independent mistake."""

    def __init__(self):
        self.problems = []

    def error(self, node, message):
        """Record a problem at `node` (anything with file, line, col)."""
        self.problems.append(Problem(node.file, node.line, node.col, message))

    def error_at(self, file, line, col, message):
        self.problems.append(Problem(file, line, col, message))

    def extend(self, problems):
        self.problems.extend(problems)

    def __bool__(self):
        return bool(self.problems)

    def raise_if_any(self):
        if self.problems:
            raise Failed(self.problems)
