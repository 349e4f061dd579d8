"""Intake (issue 15, "Triage intake when overloaded"), against the real `entente serve`.

Issue 15: "reports arrive from constituents (a company filing under NIS2, through an
authenticated HTTP endpoint and the CLI) ...; each gets an immediate machine-readable
acknowledgement with a ticket id and a status URL the reporter can poll instead of phoning;
reports are normalised to RSIT, de-duplicated (the same observable or victim within a window
attaches to the open case instead of opening another), and routed by documented rules
(sector, country, RSIT class) to the responsible organisation or peer node. A queue ordered
by criticality and deadline shows what to do next."
Bad input and trust: "an unauthenticated intake is refused; a flood of intake reports from
one reporter is rate-limited with a clear error and does not delay others."
The format and the rules: docs/cases.md, section "Intake".
"""
import json
import os
import signal
import time
import unittest

import harness

INTAKE = "/api/x-entente/intake/"
JSON = {"Content-Type": "application/json", "Accept": "application/json"}


def report(description="something happened", rsit="malware", **extra):
    r = {"description": description, "rsit_class": rsit}
    r.update(extra)
    return r


class IntakeTest(harness.NodeTest):
    def setUp(self):
        super().setUp()
        n = self.node
        n.ok("org", "add", "acme", "--name", "Acme", "--country", "FR", "--sector", "energy")
        n.ok("org", "add", "shop", "--name", "Shop", "--country", "DE", "--sector", "retail")
        n.ok("org", "add", "energyc", "--name", "Energy CERT", "--country", "FR")
        self.acme = n.token("acme")
        self.acme2 = n.token("acme")
        self.shop = n.token("shop")
        self.admin = n.admin_token

    def post(self, token, body, path=INTAKE, headers=None):
        h = dict(JSON)
        h.update(headers or {})
        return self.node.request("POST", path, token=token, body=body, headers=h)

    def get(self, token, path):
        return self.node.request("GET", path, token=token, headers={"Accept": "application/json"})

    def tickets_as_admin(self):
        r = self.get(self.admin, INTAKE + "?limit=1000")
        self.assertEqual(r.status, 200, r)
        return r.json()["tickets"]

    # -- acknowledgement, status URL, durability ---------------------------------------
    def test_ack_status_url_and_who_may_read_it(self):
        self.node.start()
        r = self.post(self.acme, report(nis2=True, aware_at="2026-01-01T08:00:00Z",
                                        observables=[{"type": "ipv4-addr",
                                                      "value": "198.51.100.7"}]))
        self.assertEqual(r.status, 202, r)
        ack = r.json()
        ticket = ack["ticket"]
        self.assertEqual(ack["status_url"], INTAKE + ticket + "/")
        self.assertEqual(r.headers["location"], ack["status_url"])
        self.assertEqual(ack["status"], "open")
        self.assertEqual(ack["rsit_class"], "malicious-code")  # normalised from "malware"
        self.assertEqual(ack["rsit_as_given"], "malware")
        self.assertEqual(ack["nis2_early_warning_due"], "2026-01-02T08:00:00.000Z")
        # The reporter's organisation polls it (any of its tokens); handlers see triage.
        mine = self.get(self.acme2, ack["status_url"])
        self.assertEqual(mine.status, 200, mine)
        self.assertNotIn("reporter_org", mine.json())
        handler = self.get(self.admin, ack["status_url"])
        self.assertEqual(handler.status, 200)
        self.assertEqual(handler.json()["reporter_org"], "acme")
        self.assertIn("criticality", handler.json())
        # Another organisation gets exactly what a ticket that does not exist gets.
        other = self.get(self.shop, ack["status_url"])
        missing = self.get(self.shop, INTAKE + "00000000-0000-4000-8000-000000000000/")
        self.assertEqual(other.status, 404)
        self.assertEqual((other.status, other.body), (missing.status, missing.body))
        self.assertEqual(self.get(self.shop, INTAKE).json(), {"tickets": []})
        # Acknowledged means stored: after kill -9 the ticket is still there.
        self.node.kill(signal.SIGKILL)
        self.node.start()
        again = self.get(self.acme, ack["status_url"])
        self.assertEqual(again.status, 200, again)
        self.assertEqual(again.json()["ticket"], ticket)

    def test_unauthenticated_intake_is_refused_and_nothing_stored(self):
        self.node.start()
        r = self.node.request("POST", INTAKE, body=json.dumps(report()), headers=JSON)
        self.assertEqual(r.status, 401, r)
        r = self.post("ent_" + "x" * 43, report())
        self.assertEqual(r.status, 401, r)
        self.assertEqual(self.tickets_as_admin(), [])

    # -- bad input ------------------------------------------------------------------------
    def test_malformed_and_oversized_reports_name_the_field(self):
        self.node.start()
        first = self.post(self.shop, report()).json()["ticket"]
        cases = [
            ('{"description": "x", ', 400, "(body): not valid JSON"),
            ("[1]", 400, "(body): must be a JSON object"),
            (report(colour="red"), 400, "colour: unknown member"),
            (report(rsit="cyberbadness"), 400, "rsit_class: unknown RSIT class"),
            ({"rsit_class": "fraud"}, 400, "description: required"),
            (report(observables=[{"type": "ipv4-addr", "value": "300.0.0.1"}]), 400,
             "observables[0].value: not an IPv4 address"),
            (report(victim={"country": "France"}), 400, "victim.country: must be an ISO"),
            (report(nis2="yes"), 400, "nis2: must be true or false"),
            (report(aware_at="2099-01-01T00:00:00Z"), 400, "aware_at: in the future"),
        ]
        for body, status, start in cases:
            r = self.post(self.acme, body)
            self.assertEqual(r.status, status, (body, r))
            self.assertTrue(r.json()["description"].startswith(start), (body, r))
            self.assertNotIn(first, r.body.decode())
        # The unknown class is refused with the list of valid ones.
        r = self.post(self.acme, report(rsit="cyberbadness"))
        self.assertIn("malicious-code", r.json()["description"])
        # Over 64 KiB: refused before it is read.
        r = self.post(self.acme, report(description="a" * (70 * 1024)))
        self.assertEqual(r.status, 413, r)
        r = self.post(self.acme, report(), headers={"Content-Type": "text/plain"})
        self.assertEqual(r.status, 415, r)
        self.assertEqual(len(self.tickets_as_admin()), 1)

    def test_flood_from_one_reporter_is_limited_and_others_are_not_delayed(self):
        self.node.ok("intake", "settings", "--rate", "0.01", "--burst", "3")
        self.node.start()
        for i in range(3):
            self.assertEqual(self.post(self.acme, report("r%d" % i)).status, 202)
        limited = self.post(self.acme, report("one too many"))
        self.assertEqual(limited.status, 429, limited)
        self.assertGreaterEqual(int(limited.headers["retry-after"]), 1)
        self.assertIn("too many intake reports from your organisation",
                      limited.json()["description"])
        self.assertIn("nothing was stored", limited.json()["description"])
        # Another token of the same organisation shares its bucket...
        self.assertEqual(self.post(self.acme2, report("again")).status, 429)
        # ...while another reporter is acknowledged at once.
        other = self.post(self.shop, report("meanwhile"))
        self.assertEqual(other.status, 202, other)
        self.assertEqual(len(self.tickets_as_admin()), 4)

    # -- triage ---------------------------------------------------------------------------
    def test_dedupe_within_window_attaches_to_the_open_ticket(self):
        self.node.start()
        ip = {"type": "ipv4-addr", "value": "198.51.100.7"}
        first = self.post(self.acme, report("ddos on us", "ddos", observables=[ip])).json()
        by_shop = self.post(self.shop, report("we too", "availability",
                                              observables=[ip])).json()
        # The reporter of the duplicate is not told another organisation's ticket...
        self.assertNotIn("duplicate_of", by_shop)
        self.assertNotIn(first["ticket"], json.dumps(by_shop))
        # ...the handlers are, with the reason.
        h = self.get(self.admin, by_shop["status_url"]).json()
        self.assertEqual(h["duplicate_of"], first["ticket"])
        self.assertEqual(h["matched_on"], "observable ipv4-addr 198.51.100.7")
        # Its own organisation's ticket is named to the reporter.
        by_acme = self.post(self.acme, report("still", "ddos", observables=[
            {"type": "ipv4-addr", "value": "198.51.100.7"}])).json()
        self.assertEqual(by_acme["duplicate_of"], first["ticket"])
        # The same victim (organisation and country) attaches too.
        v1 = self.post(self.acme, report("phish", "phishing",
                                         victim={"organisation": "Town Hall",
                                                 "country": "FR"})).json()
        v2 = self.post(self.acme, report("phish 2", "fraud",
                                         victim={"organisation": "town hall",
                                                 "country": "fr"})).json()
        self.assertEqual(v2["duplicate_of"], v1["ticket"])
        queue = self.get(self.admin, INTAKE + "queue/").json()["queue"]
        self.assertEqual(sorted(e["ticket"] for e in queue),
                         sorted([first["ticket"], v1["ticket"]]))
        attached = {e["ticket"]: e["attached"] for e in queue}
        self.assertEqual(attached[first["ticket"]], [by_shop["ticket"], by_acme["ticket"]])

    def test_dedupe_window_zero_opens_a_ticket_each_time(self):
        self.node.ok("intake", "settings", "--dedupe-window", "0")
        self.node.start()
        ip = [{"type": "ipv4-addr", "value": "198.51.100.7"}]
        self.post(self.acme, report(observables=ip))
        second = self.post(self.acme, report(observables=ip)).json()
        self.assertNotIn("duplicate_of", second)
        self.assertEqual(len(self.get(self.admin, INTAKE + "queue/").json()["queue"]), 2)

    def test_routing_rules_first_match_wins_then_default(self):
        n = self.node
        n.ok("intake", "route", "add", "energy-fr", "--sector", "energy", "--country", "FR",
             "--to", "org:energyc")
        n.ok("intake", "route", "add", "ddos", "--rsit-class", "ddos", "--to", "peer:cert-de")
        n.ok("intake", "route", "default", "org:admin")
        bad = n.cli("intake", "route", "add", "x", "--to", "org:nobody")
        self.assertNotEqual(bad.returncode, 0)
        n.start()

        def routed(token, body):
            ack = self.post(token, body).json()
            h = self.get(self.admin, ack["status_url"]).json()
            return h["routed_to"], h["route_rule"]

        # acme is an FR energy company: its own facts route it when no victim is named.
        self.assertEqual(routed(self.acme, report(rsit="ddos")), ("org:energyc", "energy-fr"))
        self.assertEqual(routed(self.shop, report(rsit="ddos")), ("peer:cert-de", "ddos"))
        self.assertEqual(routed(self.shop, report(rsit="fraud")), ("org:admin", "default"))
        self.assertEqual(routed(self.shop, report(rsit="fraud", victim={
            "organisation": "Grid", "sector": "Energy", "country": "FR"})),
            ("org:energyc", "energy-fr"))
        # Rules changed while the node runs apply to the next report.
        n.ok("intake", "route", "remove", "ddos")
        deadline = time.monotonic() + 10
        while routed(self.shop, report(rsit="ddos"))[1] != "default":
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.3)

    def test_queue_orders_by_criticality_then_deadline(self):
        self.node.start()
        low = self.post(self.acme, report("low", severity="low")).json()["ticket"]
        high = self.post(self.acme, report("high", severity="high")).json()["ticket"]
        nis2 = self.post(self.shop, report("nis2", severity="high", nis2=True,
                                           aware_at="2026-01-01T00:00:00Z")).json()["ticket"]
        crit = self.post(self.shop, report("crit", severity="critical")).json()["ticket"]
        order = [e["ticket"] for e in self.get(self.admin, INTAKE + "queue/").json()["queue"]]
        self.assertEqual(order, [crit, nis2, high, low])
        forbidden = self.get(self.acme, INTAKE + "queue/")
        self.assertEqual(forbidden.status, 403)
        # The CLI shows the same queue, and a case opened from a ticket leaves it.
        cli = json.loads(self.node.ok("intake", "queue", "--json"))
        self.assertEqual([e["ticket"] for e in cli["queue"]], order)
        self.node.ok("intake", "link-case", crit,
                     "incident--aaaaaaaa-0000-4000-8000-000000000000", "--as", "admin")
        self.node.ok("intake", "close", low, "--as", "admin", "--reason", "spam")
        refused = self.node.cli("intake", "close", high, "--as", "acme")
        self.assertNotEqual(refused.returncode, 0)
        cli = json.loads(self.node.ok("intake", "queue", "--json"))
        self.assertEqual([e["ticket"] for e in cli["queue"]], [nis2, high])
        # The reporter polling its ticket sees the case opened / the closing.
        self.assertEqual(self.get(self.shop, INTAKE + crit + "/").json()["status"], "case")
        self.assertEqual(self.get(self.acme, INTAKE + low + "/").json()["status"], "closed")

    def test_cli_submission_while_serving_is_triaged_with_the_rest(self):
        self.node.start()
        path = os.path.join(self.tmp, "report.json")
        with open(path, "w") as f:
            json.dump(report("from the CLI", observables=[
                {"type": "domain-name", "value": "Evil.Example"}], report_id="cli-1"), f)
        out = json.loads(self.node.ok("intake", "submit", "--as", "acme", "--json", path))
        self.assertFalse(out["replay"])
        again = json.loads(self.node.ok("intake", "submit", "--as", "acme", "--json", path))
        self.assertTrue(again["replay"])
        self.assertEqual(again["ticket"], out["ticket"])
        over_http = self.post(self.acme, report("by HTTP", observables=[
            {"type": "domain-name", "value": "evil.example"}])).json()
        self.assertEqual(over_http["duplicate_of"], out["ticket"])
        # The same report_id over HTTP is a replay of the CLI's ticket (200, same ticket).
        r = self.post(self.acme, report("from the CLI", report_id="cli-1"))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["ticket"], out["ticket"])
        self.assertTrue(r.json()["replay"])
        self.assertNotEqual(
            self.node.cli("intake", "show", out["ticket"], "--as", "shop").returncode, 0)

    def test_feed_of_reports_from_the_cli(self):
        """Issue 15: reports also arrive "from feeds": an array of reports, stored together;
        a refused one is named and the others are stored."""
        self.node.start()
        path = os.path.join(self.tmp, "feed.json")
        with open(path, "w") as f:
            json.dump([report("one", "scan", observables=[
                           {"type": "ipv4-addr", "value": "192.0.2.1"}]),
                       report("bad", "scan", observables=[
                           {"type": "ipv4-addr", "value": "192.0.2.999"}]),
                       report("two", "scan", observables=[
                           {"type": "ipv4-addr", "value": "192.0.2.1"}])], f)
        r = self.node.cli("intake", "submit", "--as", "shop", path)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("[1] observables[0].value: not an IPv4 address", r.stderr)
        self.assertIn("received 2 (0 already received, 1 attached to open tickets), refused 1",
                      r.stdout)
        tickets = self.get(self.shop, INTAKE).json()["tickets"]
        self.assertEqual(sorted(t["report"]["description"] for t in tickets), ["one", "two"])


class IntakeShowRefusalTest(harness.NodeTest):
    def test_cli_show_refuses_other_organisation_like_a_missing_ticket(self):
        n = self.node
        n.ok("org", "add", "acme", "--name", "Acme", "--country", "FR")
        n.ok("org", "add", "shop", "--name", "Shop", "--country", "DE")
        path = os.path.join(self.tmp, "r.json")
        with open(path, "w") as f:
            json.dump(report(), f)
        ticket = json.loads(n.ok("intake", "submit", "--as", "acme", "--json", path))["ticket"]
        other = n.cli("intake", "show", ticket, "--as", "shop")
        missing = n.cli("intake", "show", "00000000-0000-4000-8000-000000000000", "--as", "shop")
        self.assertNotEqual(other.returncode, 0)
        self.assertEqual((other.returncode, other.stderr.replace(ticket, "T")),
                         (missing.returncode,
                          missing.stderr.replace("00000000-0000-4000-8000-000000000000", "T")))
        self.assertEqual(n.cli("intake", "show", ticket, "--as", "acme").returncode, 0)


if __name__ == "__main__":
    unittest.main()
