"""Writing a node's record file directly, as another implementation of its format would:
entries in their canonical encoding (RFC 8785) with the RFC 9162 leaf and interior hashes
of the tree (audit/log.h's tables). For tests that need entries the node does not write
itself yet, or a record rewritten underneath it."""
import calendar
import datetime
import hashlib
import json
import os
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


def mth_of_leaf_hashes(hashes):
    """The same MTH, from the leaf hashes themselves (RFC 9162 2.1.1: MTH({d0}) is the leaf
    hash of d0)."""
    n = len(hashes)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashes[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + mth_of_leaf_hashes(hashes[:k]) +
                          mth_of_leaf_hashes(hashes[k:])).digest()


def item_text(object_id, version, stored_json):
    """An item as docs/record.md "Objects stored" defines it, made from a stored version: its
    id and version, and the SHA-256 of the canonical form of its stored JSON."""
    digest = hashlib.sha256(canonical(json.loads(stored_json)).encode()).hexdigest()
    return canonical({"id": object_id, "sha256": digest, "version": version})


def micros(rfc3339):
    """Microseconds since the epoch of an entry's UTC time ("…T…[.ffffff]Z")."""
    whole, _, frac = rfc3339.rstrip("Z").partition(".")
    t = datetime.datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S")
    return calendar.timegm(t.timetuple()) * 1_000_000 + int((frac + "000000")[:6])


def stored_batches(data_dir):
    """[(entry, items)] for every objects-stored entry of the node's record, in index order:
    the entry parsed, and its items (parsed) in the order of the leaf hashes the record
    keeps beside it, each made again here from the store's objects table (the versions of
    the entry's collection added in its date_added range). Checks first that the kept
    leaves hash to the entry's items_root and count, and that every leaf is the leaf of a
    version the store holds."""
    con = sqlite3.connect("file:%s?mode=ro" % os.path.join(data_dir, "audit.db"), uri=True)
    try:
        rows = con.execute("SELECT e.entry, b.leaves FROM entries e JOIN batch_leaves b "
                           "ON b.idx = e.idx WHERE e.kind = 'objects-stored' "
                           "ORDER BY e.idx").fetchall()
    finally:
        con.close()
    store = sqlite3.connect("file:%s?mode=ro" % os.path.join(data_dir, "entente.db"), uri=True)
    out = []
    try:
        for text, blob in rows:
            entry = json.loads(text)
            body = entry["body"]
            blob = bytes(blob)
            leaves = [blob[i:i + 32] for i in range(0, len(blob), 32)]
            assert len(blob) % 32 == 0 and len(leaves) == body["count"], (entry, len(blob))
            assert mth_of_leaf_hashes(leaves).hex() == body["items_root"], entry
            made = {}
            for oid, version, stored in store.execute(
                    "SELECT o.id, o.version, o.json FROM objects o JOIN collections c "
                    "ON c.seq = o.collection WHERE c.id = ? AND o.date_added_us BETWEEN ? AND ?",
                    (body["collection"], micros(body["added_from"]), micros(body["added_to"]))):
                t = item_text(oid, version, stored)
                made[hashlib.sha256(b"\x00" + t.encode()).digest()] = t
            items = []
            for leaf in leaves:
                assert leaf in made, (entry, "a kept leaf no stored version hashes to")
                items.append(json.loads(made[leaf]))
            out.append((entry, items))
    finally:
        store.close()
    return out
