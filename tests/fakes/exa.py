"""The loopback Exa fake, which lives in the kb package because `kb verify` runs Exa examples on it."""

from kb.verify.exa_fake import *  # noqa: F403
from kb.verify.exa_fake import ROOT, FakeExa, Fault  # noqa: F401
