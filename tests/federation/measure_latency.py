"""Measures publish-to-readable latency between two `entente serve` nodes on loopback:
an indicator POSTed on node A is polled for on node B (which pulls from A) over TAXII.
Not a test (no thresholds); prints one line. Needs a build whose `serve` runs federation.

    ENTENTE_BIN=build/entente python3 tests/federation/measure_latency.py
"""
import statistics
import time
import unittest

import test_federation
from fedharness import free_port, indicator

SAMPLES = 20


class Measure(test_federation.Topology):
    def test_latency(self):
        self.build(start=False)
        self.a.start()
        self.b.port = free_port()
        self.add_pull_b_from_a()
        self.b.start(self.b.port)
        path = "/api/collections/%s/objects/" % self.b_col
        latencies = []
        for i in range(SAMPLES):
            obj = indicator("clear", self.fr, n=i)
            t0 = time.time()
            self.a.post(self.a_col, self.token_a_cert, [obj])
            deadline = t0 + 30
            while time.time() < deadline:
                _, body = self.b.request("GET", path + "?match[id]=" + obj["id"],
                                         self.token_b_cert)
                if body and body.get("objects"):
                    break
                time.sleep(0.005)
            else:
                self.fail("object %d did not arrive within 30 s" % i)
            latencies.append(time.time() - t0)
        print("publish->readable on peer: median %.3f s, max %.3f s over %d objects" %
              (statistics.median(latencies), max(latencies), len(latencies)))


if __name__ == "__main__":
    unittest.main()
