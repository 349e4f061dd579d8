// Cases, the hotline inbox, the record and the peers' pages (docs/dashboard.md, "Cases",
// "Hotline", "Record", "Peers") in a real browser: Debian's chromium driven by
// playwright-core, headless, against a real `entente serve` (node.mjs). The case, the
// contacts and the messages are made with the CLI, as an operator would.
//
// What it proves: an organisation sees the cases it takes part in and the hotline
// messages addressed to it, and nothing of another organisation's (by page, by JSON, by
// status code); the Acknowledge button acknowledges (the CLI then says so) and is
// refused without the session's CSRF token; the record and the peers' pages are
// administrators' (the record gives others their receipts only).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { Node, TLP, indicator } from './node.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SHOTS = resolve(process.env.ENTENTE_SCREENSHOT_DIR || join(HERE, '..', '..', 'docs', 'screenshots'));
const LAUNCH = {
  executablePath: process.env.ENTENTE_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
const TIMEOUT = 15000;

let node, browser, coll, tokens, ids;

async function signIn(context, token) {
  const page = await context.newPage();
  await page.goto(`${node.base}/ui/login`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${node.base}/ui/`);
  return page;
}

async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

// GET through the page's own session (the JSON calls the pages mirror).
async function get(page, path) {
  return page.evaluate(async (p) => {
    const r = await fetch(p);
    return { status: r.status, body: await r.text() };
  }, path);
}

before(async () => {
  node = new Node('cert-fr');
  const partner = node.addOrg('partner').split('\n').pop().trim();
  const other = node.addOrg('other').split('\n').pop().trim();
  node.addOrg('third');
  tokens = { partner: node.token('partner'), other: node.token('other') };
  coll = node.collection('Cases and hotline', ['admin', 'partner', 'other', 'third'],
    ['admin', 'partner', 'other', 'third']);
  const open = (...args) => node.cli('case', 'open', '--collection', coll, ...args).trim().split('\n').pop().trim();
  ids = {};
  // A case of `other` with `partner` invited and NIS2 clocks running; one `other` keeps to itself.
  ids.shared = open('--as', 'other', '--name', 'Ransomware at a hospital', '--rsit-class', 'malicious-code',
    '--invite', partner, '--nis2-aware', 'now');
  ids.secret = open('--as', 'other', '--name', 'Secret case of other', '--rsit-class', 'fraud');
  node.cli('case', 'state', ids.shared, 'investigating', '--collection', coll, '--as', 'partner',
    '--note', 'looking at the backups');
  node.cli('case', 'report', ids.shared, 'early-warning', '--collection', coll, '--as', 'other');
  // Contacts of partner and third; `other` writes to each.
  const contact = (org) => node.cli('contact', 'publish', '--as', org, '--collection', coll, '--name',
    `${org} duty desk`, '--24x7', '--email', `duty@${org}.example`).trim().split('\n').pop().trim();
  const send = (to, subject) => node.cli('hotline', 'send', '--as', 'other', '--collection', coll, '--to', to,
    '--subject', subject, '--within', '2h').trim().split('\n').pop().trim();
  ids.toPartner = send(contact('partner'), 'Please confirm the ransomware case');
  ids.toThird = send(contact('third'), 'Message for third only');
  // GREEN without a community: it stays on this node (the egress rule the peer page names).
  node.ingest(coll, [indicator('indicator--6b1d0000-0000-4000-8000-000000000001', 'Local scanner',
    '198.51.100.7', TLP.green)]);
  node.cli('peer', 'add', 'cert-de', '--url', 'http://127.0.0.1:9/api/', '--token', 'unused',
    '--jurisdiction', 'DE', '--push', coll);
  node.cli('log', 'head');
  await node.start();
  browser = await chromium.launch(LAUNCH);
  void other;
});

after(async () => {
  if (browser) await browser.close();
  if (node) node.stop();
});

describe('a partner organisation', () => {
  let context, page;
  before(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(TIMEOUT);
    page = await signIn(context, tokens.partner);
  });
  after(async () => context.close());

  test('sees the case it takes part in, with states and NIS2 clocks counting down', async () => {
    await page.getByRole('link', { name: 'Cases', exact: true }).click();
    await page.getByRole('heading', { name: 'Cases' }).waitFor();
    assert.equal(await page.locator(`tr[data-case="${ids.shared}"]`).count(), 1);
    assert.equal(await page.locator(`tr[data-case="${ids.secret}"]`).count(), 0);
    await page.getByRole('link', { name: 'Ransomware at a hospital' }).click();
    await page.getByRole('heading', { name: /^Case: Ransomware/ }).waitFor();
    const state = page.locator('tr[data-participant] td.state');
    assert.deepEqual((await state.allTextContents()).sort(), ['investigating', 'invited']);
    // Art. 23(4)(a): early warning submitted (met); (b): notification due within 72 h.
    assert.equal(await page.locator('tr[data-stage="early-warning"] td.clock-met').count(), 1);
    const remaining = page.locator('tr[data-stage="incident-notification"] span.remaining');
    const first = await remaining.textContent();
    assert.match(first, /^\(in 71 h \d+ min\)$|^\(in 2 d 23 h\)$/);
    assert.ok(await remaining.getAttribute('data-deadline'));
    await shot(page, 'case');
  });

  test('cannot see another organisation\'s case by any page or call', async () => {
    const api = JSON.parse((await get(page, '/ui/api/cases')).body);
    assert.deepEqual(api.cases.map((c) => c.id), [ids.shared]);
    const hidden = await get(page, `/ui/case?collection=${coll}&id=${ids.secret}`);
    const unknown = await get(page, `/ui/case?collection=${coll}&id=incident--00000000-0000-4000-8000-000000000000`);
    assert.equal(hidden.status, 404);
    assert.equal(hidden.status, unknown.status);
    assert.equal(hidden.body, unknown.body);
    const hiddenJson = await get(page, `/ui/api/case?collection=${coll}&id=${ids.secret}`);
    assert.equal(hiddenJson.status, 404);
    assert.equal(hiddenJson.body, (await get(page, `/ui/api/case?collection=${coll}&id=nothing`)).body);
  });

  test('finds what waits for it among the overview\'s running deadlines, and only that', async () => {
    const api = JSON.parse((await get(page, '/ui/api/overview')).body);
    assert.deepEqual(api.running_deadlines.map((d) => d.message), [ids.toPartner]);
    assert.equal(api.running_deadlines[0].subject, 'Please confirm the ransomware case');
    await page.goto(`${node.base}/ui/`);
    const rows = page.locator('#deadlines tbody tr');
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().textContent(), /Please confirm the ransomware case/);
    assert.doesNotMatch(await page.content(), /Message for third only/);
    // The shared case's NIS2 clocks still running: the early warning was submitted, the
    // incident notification is due; the case it may not see gives none.
    assert.deepEqual(api.nis2_clocks.map((c) => [c.case, c.report, c.status]),
      [[ids.shared, 'incident-notification', 'due']]);
    const clocks = page.locator('#nis2 tbody tr');
    assert.equal(await clocks.count(), 1);
    assert.match(await clocks.first().textContent(), /Ransomware at a hospital/);
    assert.doesNotMatch(await page.content(), /Secret case of other/);
  });

  test('sees only the hotline messages addressed to it, and acknowledges one', async () => {
    await page.getByRole('link', { name: 'Hotline', exact: true }).click();
    await page.getByRole('heading', { name: 'Hotline' }).waitFor();
    const row = page.locator(`tr[data-message="${ids.toPartner}"]`);
    assert.equal(await row.count(), 1);
    assert.equal(await page.locator(`tr[data-message="${ids.toThird}"]`).count(), 0);
    for (const path of ['/ui/api/hotline', '/ui/api/hotline?sent=1', '/ui/hotline?sent=1']) {
      assert.ok(!(await get(page, path)).body.includes(ids.toThird), path);
    }
    assert.equal((await row.locator('td.phase').textContent()).trim(), 'waiting');
    await shot(page, 'hotline');
    await row.getByLabel('Note').fill('handler: J. Doe');
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await page.waitForURL(/\/ui\/hotline\?acked=/);
    assert.match(await page.getByRole('status').textContent(), /Acknowledged/);
    assert.match(await row.locator('td.phase').textContent(), /^acknowledged/);
    assert.equal(await row.getByRole('button', { name: 'Acknowledge' }).count(), 0);
    // The CLI sees the same acknowledgement: it is the same write.
    const status = JSON.parse(node.cli('hotline', 'status', ids.toPartner, '--collection', coll, '--json'));
    assert.equal(status.phase, 'acknowledged');
  });

  test('acknowledging needs the session\'s CSRF token', async () => {
    const answer = await page.evaluate(async ({ c, m }) => {
      const body = new URLSearchParams({ collection: c, message: m, csrf: 'forged' });
      const r = await fetch('/ui/hotline/ack', { method: 'POST', body, redirect: 'manual' });
      return r.status;
    }, { c: coll, m: ids.toThird });
    assert.equal(answer, 403);
    const status = JSON.parse(node.cli('hotline', 'status', ids.toThird, '--collection', coll, '--json'));
    assert.equal(status.acknowledged, false);
  });

  test('reads only its receipts in the record, and no peer page', async () => {
    await page.getByRole('link', { name: 'Record', exact: true }).click();
    await page.getByRole('heading', { name: 'Record' }).waitFor();
    const api = JSON.parse((await get(page, '/ui/api/record')).body);
    assert.equal(api.receipts_only, true);
    // Its receipts only: the batch that stored its acknowledgement (above), never an
    // organisation change or another organisation's submission.
    for (const { entry } of api.entries) {
      assert.equal(entry.kind, 'objects-stored', JSON.stringify(entry));
      assert.equal(entry.body.submitter, 'partner', JSON.stringify(entry));
    }
    assert.equal(api.peers, undefined);
    assert.ok(api.head.tree_size > 0, 'the signed head, as /x-entente/log/head gives it');
    assert.equal((await get(page, '/ui/peer?name=cert-de')).status, 403);
    assert.equal((await get(page, '/ui/api/peer?name=cert-de')).status, 403);
  });
});

describe('an administrator', () => {
  let context, page;
  before(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(TIMEOUT);
    page = await signIn(context, node.adminToken);
  });
  after(async () => context.close());

  test('reads the record, filtered on the server, with the signed head and the peers\' witness state', async () => {
    await page.goto(`${node.base}/ui/record`);
    assert.ok(Number((await page.locator('#head-size').textContent()).replace(/,/g, '')) > 0);
    assert.ok(await page.locator('#entries tbody tr[data-index]').count() > 0);
    await page.locator('#org').fill('partner');
    await page.locator('#kind').selectOption('organisation-change');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/kind=organisation-change/);
    const kinds = await page.locator('#entries tbody tr[data-index] td:nth-child(3)').allTextContents();
    assert.deepEqual(kinds, ['organisation-change']);
    assert.equal((await page.locator('#witness tr[data-peer="cert-de"] td').first().textContent()).trim(), '-');
    await shot(page, 'record');
  });

  test('sees per peer what is withheld and by which rule', async () => {
    await page.goto(`${node.base}/ui/record`);
    await page.locator('#witness tr[data-peer="cert-de"]').getByRole('link').click();
    await page.getByRole('heading', { name: /Withheld from cert-de/ }).waitFor();
    // The GREEN indicator names no trust community: the push keeps it on this node, and
    // the page names the rule. (The case and the messages are AMBER for partner and other:
    // the administrator's organisation may not read them, so they are not listed to it.)
    const row = page.locator('#withheld tr', { hasText: 'indicator--6b1d0000-0000-4000-8000-000000000001' });
    assert.match(await row.locator('td.reason').textContent(), /TLP:GREEN/);
    assert.ok(!(await page.locator('#withheld').textContent()).includes(ids.shared));
    await shot(page, 'withheld');
  });
});
