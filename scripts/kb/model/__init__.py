"""The model layer: typed loaders shared by the `kb` command, the macros and the tests.

Every data source in the repository is parsed here, once per `Repository` instance, and reported
problems are `Problem` values that print as `path:line: message`.
"""

from kb.model._errors import DataError, Problem
from kb.model.repo import Repository

__all__ = ["DataError", "Problem", "Repository"]
