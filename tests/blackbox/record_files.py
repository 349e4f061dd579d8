"""Writing a node's record file directly, as another implementation of its format would:
entries in their canonical encoding (RFC 8785) with the RFC 9162 leaf and interior hashes
of the tree (audit/log.h's tables). For tests that need entries the node does not write
itself yet, or a record rewritten underneath it."""
import hashlib
import json
import sqlite3


def canonical(value):
    """RFC 8785 for the ASCII strings and small integers these tests use."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def append_entries(db_path, entries):
    """entries: [(kind, subject, body)]; returns their indices."""
    con = sqlite3.connect(db_path)
    indices = []
    try:
        size = con.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
        for k, (kind, subject, body) in enumerate(entries):
            i = size + k
            text = canonical({"body": body, "index": i, "kind": kind,
                              "time": "2026-12-03T01:00:00.%06dZ" % i, "v": 1})
            con.execute("INSERT INTO entries(idx, time_us, kind, subject, entry) "
                        "VALUES(?,?,?,?,?)", (i, 1764723600000000 + i, kind, subject, text))
            h = hashlib.sha256(b"\x00" + text.encode()).digest()
            level, idx = 0, i
            con.execute("INSERT INTO nodes(level, idx, hash) VALUES(?,?,?)", (level, idx, h))
            while idx & 1:
                left = con.execute("SELECT hash FROM nodes WHERE level=? AND idx=?",
                                   (level, idx - 1)).fetchone()[0]
                h = hashlib.sha256(b"\x01" + left + h).digest()
                level, idx = level + 1, idx >> 1
                con.execute("INSERT INTO nodes(level, idx, hash) VALUES(?,?,?)", (level, idx, h))
            indices.append(i)
        con.commit()
    finally:
        con.close()
    return indices


def mth(leaves):
    """RFC 9162 2.1.1 MTH of byte strings, written from the RFC (split at the largest power
    of two below n)."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def stored_batches(db_path):
    """[(entry, items)] for every objects-stored entry of the record: the entry parsed, its
    items (parsed) read from the table beside it, after checking that they hash to the
    entry's items_root and count."""
    con = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True)
    try:
        rows = con.execute("SELECT e.entry, s.items FROM entries e JOIN stored_items s "
                           "ON s.idx = e.idx WHERE e.kind = 'objects-stored' "
                           "ORDER BY e.idx").fetchall()
    finally:
        con.close()
    out = []
    for text, blob in rows:
        entry = json.loads(text)
        texts = bytes(blob).split(b"\n") if blob else []
        assert len(texts) == entry["body"]["count"], (entry, len(texts))
        assert mth(texts).hex() == entry["body"]["items_root"], entry
        out.append((entry, [json.loads(t) for t in texts]))
    return out
