"""The engine behind `kb refresh`: Exa searches in, attributed reference records out.

`_client` talks to Exa through exa-py (rate limit, retries, key redaction), `_records` turns a
result into a record with a canonical URL and stable YAML, `_engine` plans the due topics and runs
them. Only this package and `kb mirror` touch the network.
"""

from kb.refresh._client import DEFAULT_BASE_URL, redact
from kb.refresh._engine import Options, Summary, run
from kb.refresh._records import canonical_url, record_id

__all__ = ["DEFAULT_BASE_URL", "Options", "Summary", "canonical_url", "record_id", "redact", "run"]
