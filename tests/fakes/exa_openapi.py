"""The Exa OpenAPI document rebuilt from the mirror; lives in the kb package beside the fake."""

from kb.verify.exa_openapi import *  # noqa: F403
from kb.verify.exa_openapi import ROOT, exa_openapi, mirror_document  # noqa: F401
