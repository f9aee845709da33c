"""Synthetic cases as COPY text rows, one chunk of cases at a time.

A chunk is a fixed run of case indexes with a random generator seeded by (seed, chunk), so the
data do not depend on the batch size or on how many processes share the work. Each case is
told as it would have happened: intake (the case, her and the person accused, the incidents,
her consent, the protocol run started), the IMM taking it, assignments and attention sessions,
a risk assessment with the tasks its level opens, the protocol's steps with their deadlines met
on time, late or not yet, referrals through their statuses, the comité's procedure when the
person accused is a public servant, and closure once the procedure has concluded. Nothing
happens after ``world.now``.

Rows are COPY text (tab-separated, ``\\N`` for NULL) in ``tables.ROW_COLUMNS`` order. Encrypted
values are real ciphertext under each record's own data key (``sealer``), and blind indexes are
the project's HMAC of the normalised value.
"""

from violeta.synthetic.generate.chunk import ChunkGenerator
from violeta.synthetic.generate.distributions import CHUNK

__all__ = ["CHUNK", "ChunkGenerator"]
