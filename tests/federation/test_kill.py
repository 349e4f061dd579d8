"""Killing a node (SIGKILL) in the middle of a sync of a backlog of thousands of
objects loses no acknowledged object and stores no version twice. A proxy between the
nodes holds back the peer's answer to one exact request, so the kill falls at a known
point (after the receiver committed, before the sender saw the answer) without any
timing assumption; the nodes sync with `entente serve` and are compared version by
version afterwards."""
import time
import unittest

from fedharness import GateProxy, indicator
from test_federation import Topology

BACKLOG = 4000
WAIT = 180  # bound of every wait, not a timing assertion


class KillDuringSync(Topology):
    def setUp(self):
        super().setUp()
        self.proxies = []

    def tearDown(self):
        for p in self.proxies:
            p.close()
        super().tearDown()

    def proxy(self, target_port, marker, hold_after):
        p = GateProxy(target_port, marker, hold_after)
        self.proxies.append(p)
        return p

    def backlog(self):
        objs = [indicator("clear", self.fr, n=i) for i in range(BACKLOG)]
        self.a.ingest(self.a_col, "cert-fr", objs, self.tmp)
        return sorted((o["id"], o["modified"]) for o in objs)

    def wait_for(self, what, predicate):
        deadline = time.time() + WAIT
        while time.time() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        self.fail("waited %d s for %s; A: %s B: %s" % (WAIT, what, self.a.log()[-1500:],
                                                        self.b.log()[-1500:]))

    def answered(self, node, method, status):
        return len([l for l in node.log().splitlines()
                    if '"%s /api/collections/' % method in l and '" %d ' % status in l])

    def check_converged(self, expected):
        self.wait_for("B to hold the whole backlog",
                      lambda: len(self.b.versions(self.b_col)) >= len(expected))
        on_b = self.b.versions(self.b_col)
        self.assertEqual(len(on_b), len(set(on_b)), "a version is stored twice on B")
        self.assertEqual(sorted(on_b), expected)
        on_a = self.a.versions(self.a_col)
        self.assertEqual(len(on_a), len(set(on_a)))
        self.assertEqual(sorted(on_a), expected)

    def test_sender_killed_after_the_receiver_committed_an_envelope(self):
        self.build(start=False)
        self.b.start()
        expected = self.backlog()
        gate = self.proxy(self.b.port, b"POST /api/collections/", 2)
        r = self.a.peer("add", "node-b", "--url", gate.url(), "--token", self.token_for_a_on_b,
                        "--jurisdiction", "DE", "--push", "%s:%s" % (self.a_col, self.b_col),
                        "--local-org", "from-b")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.a.start()
        # B stored the second envelope and answered; A has not seen the answer.
        self.wait_for("B to answer the second envelope",
                      lambda: self.answered(self.b, "POST", 202) >= 2)
        self.a.kill()
        at_kill = self.b.versions(self.b_col)
        self.assertGreater(len(at_kill), 0)  # the kill fell in the middle
        self.assertLess(len(at_kill), BACKLOG)
        gate.release()
        self.a.start()
        self.check_converged(expected)
        self.assertTrue(set(at_kill) <= set(self.b.versions(self.b_col)))

    def test_receiver_killed_after_committing_an_envelope_it_could_not_acknowledge(self):
        self.build(start=False)
        b_port = self.free_b_port()
        self.b.start(b_port)
        expected = self.backlog()
        gate = self.proxy(b_port, b"POST /api/collections/", 3)
        r = self.a.peer("add", "node-b", "--url", gate.url(), "--token", self.token_for_a_on_b,
                        "--jurisdiction", "DE", "--push", "%s:%s" % (self.a_col, self.b_col),
                        "--local-org", "from-b")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.a.start()
        self.wait_for("B to answer the third envelope",
                      lambda: self.answered(self.b, "POST", 202) >= 3)
        self.b.kill()
        at_kill = self.b.versions(self.b_col)  # what B committed
        self.assertGreater(len(at_kill), 0)
        self.assertLess(len(at_kill), BACKLOG)
        gate.release()
        self.b.start(b_port)  # A retries with backoff and re-sends the unacknowledged one
        self.check_converged(expected)
        self.assertTrue(set(at_kill) <= set(self.b.versions(self.b_col)))

    def test_puller_killed_in_the_middle_of_a_paging(self):
        self.build(start=False)
        self.a.start()
        expected = self.backlog()
        gate = self.proxy(self.a.port, b"GET /api/collections/", 3)
        r = self.b.peer("add", "node-a", "--url", gate.url(), "--token", self.token_for_b_on_a,
                        "--jurisdiction", "FR", "--recipient", self.fr,
                        "--pull", "%s:%s" % (self.a_col, self.b_col), "--local-org", "from-a",
                        "--quota", "1500")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.b.start()
        # A round stores what it pulled when it ends: with a quota of 1,500 the first round
        # (pages of 1,000 and 500) is stored, and the paging goes on in the next round from
        # the saved cursor. A answered that round's first page (the third GET); B is
        # waiting for it when it dies.
        self.wait_for("A to answer the third page",
                      lambda: self.answered(self.a, "GET", 200) >= 3)
        self.b.kill()
        at_kill = self.b.versions(self.b_col)
        self.assertGreater(len(at_kill), 0)
        self.assertLess(len(at_kill), BACKLOG)
        gate.release()
        self.b.start()
        self.check_converged(expected)
        self.assertTrue(set(at_kill) <= set(self.b.versions(self.b_col)))

    def free_b_port(self):
        from fedharness import free_port
        return free_port()


if __name__ == "__main__":
    unittest.main()
