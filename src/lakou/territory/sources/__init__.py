"""Public sources about who holds, announces and locates address space.

One module per source format, each a plain reader: it takes a file, yields typed
records, and raises :class:`SourceError` naming ``file:line`` (or the byte offset for
binary formats) on a malformed record. Readers never guess: a record they cannot read
is an error in strict mode, or is counted in :class:`Counters` and skipped when the
caller asks for lenient reading (large public files do carry the odd bad line).
"""

from lakou.territory.sources.common import Counters, SourceError

__all__ = ["Counters", "SourceError"]
