// The dashboard (/ui/, docs/dashboard.md) in a real browser: Debian's chromium driven by
// playwright-core, headless, against a real `entente serve` on loopback (node.mjs).
// Screenshots of the main pages go to $ENTENTE_SCREENSHOT_DIR (default docs/screenshots).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { Node, TLP, indicator, ipv4, sighting } from './node.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SHOTS = resolve(process.env.ENTENTE_SCREENSHOT_DIR || join(HERE, '..', '..', 'docs', 'screenshots'));

const ID = {
  c2: 'indicator--3f1c9a52-7d0e-4b8a-9c61-0a4b2e6d1f01',
  scanner: 'indicator--3f1c9a52-7d0e-4b8a-9c61-0a4b2e6d1f02',
  addr: 'ipv4-addr--3f1c9a52-7d0e-4b8a-9c61-0a4b2e6d1f03',
  seen: 'sighting--3f1c9a52-7d0e-4b8a-9c61-0a4b2e6d1f04',
  // Denied to the partner: RED without it among the individuals, AMBER for another org.
  red: 'indicator--3f1c9a52-7d0e-4b8a-9c61-0a4b2e6d1f05',
  amber: 'indicator--3f1c9a52-7d0e-4b8a-9c61-0a4b2e6d1f06',
  redAddr: 'ipv4-addr--3f1c9a52-7d0e-4b8a-9c61-0a4b2e6d1f07',
  absent: 'indicator--3f1c9a52-7d0e-4b8a-9c61-0a4b2e6d1fff',
};
const HIDDEN = [
  { id: ID.red, value: '192.0.2.66' },
  { id: ID.amber, value: 'amber-only.example' },
  { id: ID.redAddr, value: '192.0.2.77' },
];

// Chromium as Debian ships it; never a downloaded browser.
export const LAUNCH = {
  executablePath: process.env.ENTENTE_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // playwright-core gives every launch a fresh temporary --user-data-dir of its own.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

const TIMEOUT = 15000;
let node, browser, collection, partnerToken;

async function signIn(page, base, token) {
  await page.goto(`${base}/ui/`);
  assert.match(page.url(), /\/ui\/login$/, 'an unauthenticated page redirects to sign-in');
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/ui/`);
}

async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

before(async () => {
  node = new Node('cert-fr');
  const partnerIdentity = node.addOrg('partner', '--community', 'cert-eu').split('\n').pop().trim();
  const other = node.addOrg('other');  // an identity id: the AMBER object's only recipient
  partnerToken = node.token('partner');
  collection = node.collection('National feed', ['admin', 'partner'], ['admin']);
  node.ingest(collection, [
    // GREEN for the community cert-eu (the partner is a member; cert-de hosts it).
    indicator(ID.c2, 'Emotet C2 <server>', 'c2.bad-domain.example', TLP.green,
      { communities: ['cert-eu'] }),
    // AMBER for the partner by name.
    indicator(ID.scanner, 'SSH scanner', '203.0.113.5', TLP.amber,
      { recipients: [partnerIdentity] }),
    ipv4(ID.addr, '203.0.113.5', TLP.green),
    sighting(ID.seen, ID.c2, 42, TLP.green),
    indicator(ID.red, 'RED only', '192.0.2.66', TLP.red),
    indicator(ID.amber, 'AMBER for another', 'amber-only.example', TLP.amber,
      { recipients: [other.split('\n').pop().trim()] }),
    ipv4(ID.redAddr, '192.0.2.77', TLP.red),
  ]);
  node.cli('peer', 'add', 'cert-de', '--url', 'http://127.0.0.1:9/api/', '--token', 'unused',
    '--jurisdiction', 'DE', '--community', 'cert-eu', '--push', collection);
  await node.start();
  browser = await chromium.launch(LAUNCH);
});

after(async () => {
  if (browser) await browser.close();
  if (node) node.stop();
});

describe('an analyst', () => {
  let context, page;
  before(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(TIMEOUT);
    page = await context.newPage();
  });
  after(async () => context.close());

  test('signs in with a token and gets an HttpOnly, SameSite=Strict session cookie', async () => {
    await page.goto(`${node.base}/ui/login`);
    await shot(page, 'login');
    await signIn(page, node.base, node.adminToken);
    await assert.doesNotReject(page.getByRole('heading', { name: 'Overview' }).waitFor());
    const session = (await context.cookies()).find((c) => c.name === 'entente_session');
    assert.ok(session, 'a session cookie');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(session.path, '/ui');
    assert.ok(session.expires > Date.now() / 1000, 'the cookie has an expiry');
  });

  test('sees the overview: counts by TLP, peers, the chart with axes, recent sightings', async () => {
    const row = page.locator(`tr[data-collection="${collection}"]`);
    assert.equal((await row.locator('td.total').textContent()).trim(), '7');
    // Two bars per hour: object versions and, of them, sightings, with a legend.
    assert.equal(await page.locator('svg.chart rect.bar.bar-objects').count(), 24);
    assert.equal(await page.locator('svg.chart rect.bar.bar-sightings').count(), 24);
    const chart = page.locator('svg.chart');
    assert.equal(await chart.locator('text.axis-title').first().textContent(),
      'added per hour', 'the y axis and its unit');
    assert.deepEqual(await chart.locator('text.legend').allTextContents(),
      ['object versions', 'sightings']);
    const api = await (await page.request.get(`${node.base}/ui/api/overview`)).json();
    assert.equal(api.added_per_hour.reduce((n, h) => n + h.added, 0), 7);
    assert.equal(api.added_per_hour.reduce((n, h) => n + h.sightings, 0), 1);
    assert.equal(await chart.locator('text.axis-title').last().textContent(), 'hour (UTC)');
    assert.equal(await chart.getAttribute('role'), 'img');
    assert.ok(await page.getByRole('rowheader', { name: 'cert-de' }).isVisible());
    assert.ok(await page.getByRole('link', { name: ID.seen }).isVisible());
    await shot(page, 'overview');
  });

  test('browses a collection and filters it by TLP', async () => {
    await page.getByRole('link', { name: 'Browse' }).click();
    await page.getByRole('heading', { name: 'Browse' }).waitFor();
    assert.ok(await page.getByRole('cell', { name: 'Emotet C2 <server>' }).isVisible(),
      'names are shown as text (escaped), not markup');
    await shot(page, 'browse');
    await page.getByLabel('TLP').selectOption('red');
    await page.waitForURL(/tlp=red/);
    assert.equal(await page.getByRole('cell', { name: 'Emotet C2 <server>' }).count(), 0);
    assert.ok(await page.getByRole('cell', { name: 'RED only' }).isVisible());
  });

  test('searches by value and opens an object', async () => {
    await page.getByRole('link', { name: 'Search' }).click();
    await page.getByLabel('Value or id').fill('203.0.113.5');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('2 result(s) by value').waitFor();
    await shot(page, 'search');
    await page.goto(`${node.base}/ui/search?q=c2.bad-domain.example`);
    await page.getByRole('link', { name: ID.c2 }).click();
    await page.getByRole('heading', { name: 'indicator: Emotet C2 <server>' }).waitFor();
    const json = await page.locator('#object-json').textContent();
    assert.equal(JSON.parse(json).id, ID.c2, 'the JSON is the object, pretty-printed');
    assert.ok(await page.getByRole('link', { name: ID.seen }).isVisible(), 'its sighting');
    await shot(page, 'object');
  });

  test('sees what leaves for a peer and why', async () => {
    await page.getByLabel('Peer').selectOption('cert-de');
    await page.getByRole('button', { name: 'Explain' }).click();
    await page.getByRole('heading', { name: /What leaves for cert-de/ }).waitFor();
    assert.equal(await page.locator('#decision').textContent(), 'send');
    assert.equal(JSON.parse(await page.locator('#egress-json').textContent()).id, ID.c2);
    await shot(page, 'explain');
    await page.goto(`${node.base}/ui/explain?collection=${collection}&id=${ID.red}&peer=cert-de`);
    assert.equal(await page.locator('#decision').textContent(), 'withhold');
    assert.match(await page.locator('#reason').textContent(), /red/i);
  });

  test('signs out, after which pages send back to sign-in', async () => {
    await page.goto(`${node.base}/ui/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${node.base}/ui/login`);
    await page.goto(`${node.base}/ui/browse`);
    assert.match(page.url(), /\/ui\/login$/);
    const api = await page.request.get(`${node.base}/ui/api/overview`);
    assert.equal(api.status(), 401);
  });
});

describe('cross-site request forgery', () => {
  test('a POST without, or with a wrong, CSRF token or from another origin is refused', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await signIn(page, node.base, node.adminToken);
      const csrf = await page.locator('input[name="csrf"]').first().inputValue();
      const post = (data, headers = {}) => page.request.post(`${node.base}/ui/logout`,
        { form: data, headers, maxRedirects: 0 });
      assert.equal((await post({})).status(), 403, 'no token');
      assert.equal((await post({ csrf: 'x'.repeat(csrf.length) })).status(), 403, 'wrong token');
      assert.equal((await post({ csrf }, { Origin: 'http://evil.example' })).status(), 403,
        'right token, other origin');
      assert.equal((await post({ csrf }, { 'Sec-Fetch-Site': 'cross-site' })).status(), 403);
      assert.equal((await page.request.get(`${node.base}/ui/api/overview`)).status(), 200,
        'the refused requests changed nothing');
      // Sign-in needs the form's double-submit token.
      const login = await page.request.post(`${node.base}/ui/login`,
        { form: { token: node.adminToken, csrf: 'forged' }, maxRedirects: 0 });
      assert.equal(login.status(), 403);
      const ok = await post({ csrf });
      assert.equal(ok.status(), 303);
      assert.equal((await page.request.get(`${node.base}/ui/api/overview`)).status(), 401);
    } finally {
      await context.close();
    }
  });
});

describe('session expiry', () => {
  test('a session ends at its expiry (--ui-session-seconds)', async () => {
    const short = new Node('short');
    const context = await browser.newContext();
    try {
      await short.start('--ui-session-seconds', '2');
      const page = await context.newPage();
      await signIn(page, short.base, short.adminToken);
      assert.equal((await page.request.get(`${short.base}/ui/api/overview`)).status(), 200);
      await new Promise((r) => setTimeout(r, 2500));
      // The browser dropped the cookie (Max-Age); the server refuses the id as well.
      await page.goto(`${short.base}/ui/`);
      assert.match(page.url(), /\/ui\/login$/);
      const cookie = (await context.cookies()).find((c) => c.name === 'entente_session');
      assert.equal(cookie, undefined);
    } finally {
      await context.close();
      short.stop();
    }
  });
});

describe('trust: what the gate denies an organisation', () => {
  let context, page;
  const visited = [];
  before(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    page.on('response', async (r) => {
      if (r.url().includes('/ui/') && !r.url().includes('/assets/')) visited.push(r);
    });
    await signIn(page, node.base, partnerToken);
  });
  after(async () => context.close());

  test('an object page by id answers exactly as for an id never stored', async () => {
    for (const prefix of ['/ui/object', '/ui/api/object']) {
      const absent = await page.request.get(`${node.base}${prefix}?collection=${collection}&id=${ID.absent}`);
      for (const { id } of HIDDEN) {
        const hidden = await page.request.get(`${node.base}${prefix}?collection=${collection}&id=${id}`);
        assert.equal(hidden.status(), 404);
        assert.equal(hidden.status(), absent.status());
        assert.equal(await hidden.text(), await absent.text(), `${prefix} ${id}`);
        const noColl = await page.request.get(`${node.base}${prefix}?id=${id}`);
        assert.equal(await noColl.text(), await absent.text());
      }
    }
    // The visible ones open.
    assert.equal((await page.request.get(`${node.base}/ui/api/object?collection=${collection}&id=${ID.c2}`)).status(), 200);
  });

  test('a search by its value or id finds nothing', async () => {
    for (const { id, value } of HIDDEN) {
      for (const q of [id, value]) {
        const api = await (await page.request.get(`${node.base}/ui/api/search?q=${encodeURIComponent(q)}`)).json();
        assert.deepEqual(api.results, [], q);
        await page.goto(`${node.base}/ui/search?q=${encodeURIComponent(q)}`);
        await page.getByText('0 result(s)').waitFor();
      }
    }
    const visible = await (await page.request.get(`${node.base}/ui/api/search?q=203.0.113.5`)).json();
    assert.equal(visible.results.length, 2, 'the search itself works for this organisation');
  });

  test('counts, the chart and browsing do not include it', async () => {
    const overview = await (await page.request.get(`${node.base}/ui/api/overview`)).json();
    assert.equal(overview.collections.length, 1);
    assert.equal(overview.collections[0].total, 4);
    assert.equal(overview.collections[0].by_tlp.red, 0);
    assert.equal(overview.added_per_hour.reduce((n, h) => n + h.added, 0), 4);
    assert.equal(overview.added_per_hour.reduce((n, h) => n + h.sightings, 0), 1);
    assert.equal(overview.peers, undefined, 'peers are for administrators');
    await page.goto(`${node.base}/ui/`);
    assert.equal((await page.locator(`tr[data-collection="${collection}"] td.total`).textContent()).trim(), '4');
    const ids = [];
    for (const tlp of ['', 'red', 'amber']) {
      let next = '';
      do {
        const url = `${node.base}/ui/api/browse?collection=${collection}&tlp=${tlp}${next ? `&after=${next}` : ''}`;
        const body = await (await page.request.get(url)).json();
        ids.push(...body.objects.map((o) => o.id));
        next = body.more ? body.next : '';
      } while (next);
      await page.goto(`${node.base}/ui/browse?collection=${collection}&tlp=${tlp}`);
    }
    assert.ok(ids.includes(ID.c2));
    for (const { id } of HIDDEN) assert.ok(!ids.includes(id), id);
  });

  test('no page or call it made showed any trace of it', async () => {
    const explain = await page.request.get(`${node.base}/ui/api/explain?collection=${collection}&id=${ID.c2}&peer=cert-de`);
    assert.equal(explain.status(), 403, 'egress explanations are for administrators');
    assert.ok(visited.length > 10);
    for (const r of visited) {
      const body = await r.text().catch(() => '');
      for (const { id, value } of HIDDEN) {
        assert.ok(!body.includes(id) || r.url().includes(encodeURIComponent(id)) || r.url().includes(id),
          `${r.url()} shows ${id}`);
        assert.ok(!body.includes(value) || r.url().includes(encodeURIComponent(value)),
          `${r.url()} shows ${value}`);
      }
    }
  });
});

describe('keyboard and zoom', () => {
  test('signing in and reaching a page work with the keyboard alone', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${node.base}/ui/login`);
      await page.keyboard.press('Tab');  // the brand link
      await page.keyboard.press('Tab');  // the token field (its label names it)
      assert.equal(await page.evaluate(() => document.activeElement.id), 'token');
      await page.keyboard.type(node.adminToken);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${node.base}/ui/`);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');  // Overview, Browse
      assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Browse');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/ui\/browse$/);
    } finally {
      await context.close();
    }
  });

  test('at 200 % zoom (half the width in CSS pixels) no page scrolls sideways', async () => {
    // A 1280-pixel window at 200 % zoom lays pages out in 640 CSS pixels.
    const context = await browser.newContext({ viewport: { width: 640, height: 900 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    try {
      await signIn(page, node.base, node.adminToken);
      for (const path of ['/ui/', `/ui/browse?collection=${collection}`, '/ui/search?q=203.0.113.5',
        `/ui/object?collection=${collection}&id=${ID.c2}`]) {
        await page.goto(`${node.base}${path}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${path} is ${overflow} CSS pixels wider than the window`);
      }
    } finally {
      await context.close();
    }
  });
});
