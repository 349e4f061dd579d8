// The dashboard's administration (/ui/admin/…), the sign-in bound and the object page's
// relationships pointing at an object and "who else saw it" (docs/dashboard.md), in a real
// browser: Debian's chromium driven by playwright-core against a real `entente serve`.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { CHROMIUM_LAUNCH as LAUNCH, Node, TLP, indicator } from './node.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SHOTS = resolve(process.env.ENTENTE_SCREENSHOT_DIR || join(HERE, '..', '..', 'docs', 'screenshots'));
const TIMEOUT = 15000;

const ID = {
  malware: 'malware--7a2e4c10-5b3d-4e8f-9a01-2c3d4e5f6a01',
  indicator: 'indicator--7a2e4c10-5b3d-4e8f-9a01-2c3d4e5f6a02',
  identity: 'identity--7a2e4c10-5b3d-4e8f-9a01-2c3d4e5f6a03',
  location: 'location--7a2e4c10-5b3d-4e8f-9a01-2c3d4e5f6a04',
  relGreen: 'relationship--7a2e4c10-5b3d-4e8f-9a01-2c3d4e5f6a05',
  relRed: 'relationship--7a2e4c10-5b3d-4e8f-9a01-2c3d4e5f6a06',
  seenGreen: 'sighting--7a2e4c10-5b3d-4e8f-9a01-2c3d4e5f6a07',
  seenRed: 'sighting--7a2e4c10-5b3d-4e8f-9a01-2c3d4e5f6a08',
};

function sdo(type, id, marking, more) {
  return {
    type, spec_version: '2.1', id, created: '2026-11-30T08:00:00.000Z',
    modified: '2026-11-30T08:00:00.000Z', object_marking_refs: [marking], ...more,
  };
}

let node, browser, collection, partnerToken;

async function signIn(page, token) {
  await page.goto(`${node.base}/ui/login`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${node.base}/ui/`);
}

async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

// The session's CSRF token, as the sign-out form carries it.
async function csrfOf(page) {
  return page.locator('form[action="/ui/logout"] input[name="csrf"]').getAttribute('value');
}

// A same-origin form POST from the page (as a form would send it); its status.
async function post(page, path, fields) {
  return page.evaluate(async ([p, f]) => {
    const r = await fetch(p, {
      method: 'POST', body: new URLSearchParams(f), redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    return r.status;
  }, [path, fields]);
}

before(async () => {
  node = new Node('cert-fr');
  node.addOrg('partner');
  partnerToken = node.token('partner');
  collection = node.collection('Shared feed', ['admin', 'partner'], ['admin']);
  const where = [ID.identity, ID.location];
  node.ingest(collection, [
    sdo('malware', ID.malware, TLP.green, { name: 'Loader X', is_family: true }),
    indicator(ID.indicator, 'Loader X C2', 'loader-x.example', TLP.green),
    sdo('identity', ID.identity, TLP.green,
      { name: 'Energy CERT', identity_class: 'organization', sectors: ['energy'] }),
    sdo('location', ID.location, TLP.green, { country: 'FR' }),
    sdo('relationship', ID.relGreen, TLP.green,
      { relationship_type: 'indicates', source_ref: ID.indicator, target_ref: ID.malware }),
    // TLP:RED without the partner among its recipients: it must change nothing it sees.
    sdo('relationship', ID.relRed, TLP.red,
      { relationship_type: 'uses', source_ref: ID.indicator, target_ref: ID.malware }),
    sdo('sighting', ID.seenGreen, TLP.green,
      { sighting_of_ref: ID.malware, count: 3, where_sighted_refs: where }),
    sdo('sighting', ID.seenRed, TLP.red,
      { sighting_of_ref: ID.malware, count: 40, where_sighted_refs: where }),
  ]);
  await node.start();
  browser = await chromium.launch(LAUNCH);
});

after(async () => {
  if (browser) await browser.close();
  if (node) node.stop();
});

describe('an administrator', () => {
  let context, page, newToken;
  before(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(TIMEOUT);
    page = await context.newPage();
    await signIn(page, node.adminToken);
  });
  after(async () => context.close());

  test('adds an organisation from the interface, and the page says what changed', async () => {
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.waitForURL(`${node.base}/ui/admin/organisations`);
    const form = page.locator('form[action="/ui/admin/organisations/add"]');
    await form.locator('[name="id"]').fill('cert-nl');
    await form.locator('[name="name"]').fill('CERT Netherlands');
    await form.locator('[name="country"]').fill('NL');
    await form.locator('[name="sector"]').fill('government');
    await form.getByRole('button', { name: 'Add organisation' }).click();
    await page.locator('#admin-notice').waitFor();
    assert.match(await page.locator('#admin-notice').textContent(), /Organisation cert-nl added/);
    assert.ok(await page.locator('tr[data-org="cert-nl"]').isVisible());
    await shot(page, 'admin');
    // The command line's validation, with its message.
    await form.locator('[name="id"]').fill('cert-xx');
    await form.locator('[name="name"]').fill('X');
    await form.locator('[name="country"]').fill('EU');
    await form.getByRole('button', { name: 'Add organisation' }).click();
    await page.locator('#admin-notice').waitFor();
    assert.match(await page.locator('#admin-notice').textContent(), /--country: an assigned ISO 3166-1/);
    assert.equal(await page.locator('tr[data-org="cert-xx"]').count(), 0);
  });

  test('creates a token, shown once and never again', async () => {
    await page.getByRole('link', { name: 'Tokens' }).click();
    await page.waitForURL(`${node.base}/ui/admin/tokens`);
    const form = page.locator('form[action="/ui/admin/tokens/create"]');
    await form.locator('[name="org"]').selectOption('cert-nl');
    await form.locator('[name="label"]').fill('analyst laptop');
    await form.getByRole('button', { name: 'Create token' }).click();
    await page.locator('#new-token').waitFor();
    newToken = (await page.locator('#new-token').textContent()).trim();
    assert.match(newToken, /^ent_/);
    assert.match(page.url(), /\/ui\/admin\/tokens\/create$/, 'the token is not in the URL');
    for (const path of ['/ui/admin/tokens', '/ui/admin/organisations', '/ui/admin/collections',
      '/ui/admin/peers', '/ui/']) {
      await page.goto(`${node.base}${path}`);
      assert.ok(!(await page.content()).includes(newToken), `${path} does not show the token`);
    }
    // The token works: its holder signs in as cert-nl.
    const other = await browser.newContext();
    const p2 = await other.newPage();
    await signIn(p2, newToken);
    assert.match(await p2.locator('header .who').textContent(), /cert-nl/);
    await other.close();
  });

  test('creates a collection and grants an organisation read on it', async () => {
    await page.goto(`${node.base}/ui/admin/collections`);
    const form = page.locator('form[action="/ui/admin/collections/add"]');
    await form.locator('[name="title"]').fill('Dutch exchange');
    await form.locator('[name="tlp"]').selectOption('green');
    await form.getByRole('button', { name: 'Create collection' }).click();
    await page.locator('#admin-notice').waitFor();
    assert.match(await page.locator('#admin-notice').textContent(), /Collection Dutch exchange created/);
    const row = page.locator('tr', { has: page.getByRole('rowheader', { name: 'Dutch exchange' }) });
    const grant = row.locator('form.grant');
    await grant.locator('[name="org"]').selectOption('cert-nl');
    await grant.locator('[name="read"]').check();
    await grant.getByRole('button', { name: 'Grant on Dutch exchange' }).click();
    await page.locator('#admin-notice').waitFor();
    assert.match(await page.locator('#admin-notice').textContent(), /Granted cert-nl read/);
    const after = page.locator('tr', { has: page.getByRole('rowheader', { name: 'Dutch exchange' }) });
    assert.match(await after.locator('td').nth(3).textContent(), /cert-nl/);
  });

  test('adds a peer without its token ever being shown, then removes it', async () => {
    await page.goto(`${node.base}/ui/admin/peers`);
    const form = page.locator('form[action="/ui/admin/peers/add"]');
    await form.locator('[name="name"]').fill('cert-be');
    await form.locator('[name="url"]').fill('http://127.0.0.1:9/api/');
    await form.locator('[name="token"]').fill('peer-token-never-shown');
    await form.locator('[name="jurisdiction"]').fill('BE');
    await form.getByRole('button', { name: 'Add peer' }).click();
    await page.locator('#admin-notice').waitFor();
    assert.match(await page.locator('#admin-notice').textContent(), /Peer cert-be added/);
    const row = page.locator('tr[data-peer="cert-be"]');
    assert.ok(await row.isVisible());
    assert.match(await row.textContent(), /never/, 'last sync: never');
    assert.ok(!(await page.content()).includes('peer-token-never-shown'));
    await row.getByRole('button', { name: 'Remove peer cert-be' }).click();
    await page.locator('#admin-notice').waitFor();
    assert.equal(await page.locator('tr[data-peer="cert-be"]').count(), 0);
  });

  test('a change without the CSRF token is refused', async () => {
    await page.goto(`${node.base}/ui/admin/tokens`);
    const before = await page.locator('tr[data-token]').count();
    assert.equal(await post(page, '/ui/admin/tokens/create', { org: 'cert-nl' }), 403);
    assert.equal(await post(page, '/ui/admin/tokens/create', { csrf: 'forged', org: 'cert-nl' }), 403);
    await page.reload();
    assert.equal(await page.locator('tr[data-token]').count(), before, 'no token was made');
    // With the session's token the same request is accepted (the refusal was the token's).
    assert.equal(await post(page, '/ui/admin/tokens/revoke',
      { csrf: await csrfOf(page), 'token-id': 'tok_00000000' }), 404);
  });
});

describe('an organisation that is not an administrator', () => {
  let context, page;
  before(async () => {
    context = await browser.newContext();
    context.setDefaultTimeout(TIMEOUT);
    page = await context.newPage();
    await signIn(page, partnerToken);
  });
  after(async () => context.close());

  test('is refused the administration, as other administrator pages refuse it', async () => {
    assert.equal(await page.getByRole('link', { name: 'Administration' }).count(), 0);
    const explain = await page.goto(`${node.base}/ui/explain`);
    for (const path of ['/ui/admin', '/ui/admin/organisations', '/ui/admin/tokens']) {
      const res = await page.goto(`${node.base}${path}`);
      assert.equal(res.status(), explain.status(), path);
      assert.equal(res.status(), 403, path);
      assert.ok(await page.getByRole('heading', { name: 'Administrators only' }).isVisible());
    }
    await page.goto(`${node.base}/ui/`);
    assert.equal(await post(page, '/ui/admin/organisations/add',
      { csrf: await csrfOf(page), id: 'sneaky', name: 'S', country: 'DE' }), 403);
  });

  test('sees the relationships pointing at an object and who else saw it, nothing hidden', async () => {
    await page.goto(`${node.base}/ui/object?id=${encodeURIComponent(ID.malware)}`);
    const incoming = page.locator('#incoming tbody tr');
    assert.equal(await incoming.count(), 1, 'the TLP:RED relationship is not counted');
    assert.match(await incoming.first().textContent(), /indicates/);
    assert.match(await page.getByRole('heading', { name: /Relationships pointing at it/ }).textContent(), /\(1\)/);
    assert.match(await page.locator('#seen-summary').textContent(), /^1 sighting, seen 3 times/);
    assert.match(await page.locator('#seen-country').textContent(), /FR\s*3/);
    assert.match(await page.locator('#seen-sector').textContent(), /energy\s*3/);
    await shot(page, 'object-relations');
    // The JSON mirror says the same.
    const api = await page.evaluate(async (id) =>
      (await fetch(`/ui/api/object?id=${encodeURIComponent(id)}`)).json(), ID.malware);
    assert.equal(api.incoming_relationships.length, 1);
    assert.equal(api.who_else_saw_it.total, 3);
    assert.deepEqual(api.who_else_saw_it.by_country, { FR: 3 });
  });
});

describe('failed sign-ins', () => {
  test('are bounded: 429 with Retry-After, whether or not the token exists', async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(TIMEOUT);
    const page = await context.newPage();
    await page.goto(`${node.base}/ui/login`);
    const attempt = async (token) => {
      await page.getByLabel('API token').fill(token);
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/ui/login') && r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      await page.waitForLoadState();
      return res;
    };
    // The default bound: 10 failures from one address at once.
    for (let i = 0; i < 10; i++) {
      assert.equal((await attempt(`ent_wrong_${i}`)).status(), 401, `attempt ${i}`);
    }
    const limited = await attempt('ent_wrong_again');
    assert.equal(limited.status(), 429);
    assert.ok(Number(limited.headers()['retry-after']) >= 1);
    assert.match(await page.getByRole('alert').textContent(), /Too many failed sign-ins/);
    await shot(page, 'login-limited');
    // The right token gets the same answer while the bound holds.
    const right = await attempt(node.adminToken);
    assert.equal(right.status(), 429);
    assert.ok(!(await context.cookies()).some((c) => c.name === 'entente_session'));
    await context.close();
  });
});
