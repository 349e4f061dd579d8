// A real entente node on loopback for the browser tests: `entente init`, organisations,
// tokens, a collection, objects ingested through the CLI, a peer, then `entente serve`
// on 127.0.0.1:0 (the port read from its "listening on" line). Every process started
// here is killed by stop().
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = process.env.ENTENTE_BIN || 'entente';

export const TLP = {
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};
const AUDIENCE_EXT = 'extension-definition--1641d5b9-e8f9-4e50-b7c8-ac882f4d424e';

// Chromium as Debian ships it; never a downloaded browser (as dashboard.test.mjs launches it).
export const CHROMIUM_LAUNCH = {
  executablePath: process.env.ENTENTE_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

export class Node {
  constructor(name) {
    this.tmp = mkdtempSync(join(tmpdir(), 'entente-browser-'));
    this.dir = join(this.tmp, name);
    const out = this.cli('init', '--data', this.dir, '--name', name, '--jurisdiction', 'FR');
    this.adminToken = out.split('\n')[2].split(':').slice(1).join(':').trim();
    this.proc = null;
  }

  cli(...args) {
    return execFileSync(BIN, args, { encoding: 'utf8', env: { ...process.env, ENTENTE_DATA: this.dir } });
  }

  addOrg(id, ...extra) {
    return this.cli('org', 'add', id, '--name', `${id} CERT`, '--country', 'DE', ...extra).trim();
  }

  token(org) {
    return this.cli('token', 'create', '--org', org).trim().split('\n').pop().trim();
  }

  collection(title, read, write) {
    return this.cli('collection', 'add', '--title', title, '--read', read.join(','),
      '--write', write.join(',')).trim().split('\n').pop().trim();
  }

  ingest(collection, objects) {
    const file = join(this.tmp, `objects-${Date.now()}-${Math.random()}.json`);
    writeFileSync(file, JSON.stringify(objects));
    return this.cli('ingest', '--collection', collection, '--no-progress', file);
  }

  start(...extra) {
    return new Promise((resolve, reject) => {
      this.proc = spawn(BIN, ['serve', '--data', this.dir, '--listen', '127.0.0.1:0',
        '--threads', '2', '--no-federation', ...extra], { stdio: ['ignore', 'pipe', 'ignore'] });
      let buf = '';
      const timer = setTimeout(() => reject(new Error(`no listening line: ${buf}`)), 30000);
      this.proc.stdout.on('data', (chunk) => {
        buf += chunk;
        const m = buf.match(/listening on http:\/\/127\.0\.0\.1:(\d+)\//);
        if (m) {
          clearTimeout(timer);
          this.base = `http://127.0.0.1:${m[1]}`;
          resolve(this);
        }
      });
      this.proc.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${buf}`)));
    });
  }

  stop() {
    if (this.proc && this.proc.exitCode === null) this.proc.kill('SIGKILL');
    this.proc = null;
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

// STIX objects for the tests, with fixed ids so that the screenshots look alike.
export function indicator(id, name, value, marking, audience) {
  const obj = {
    type: 'indicator', spec_version: '2.1', id,
    created: '2026-11-30T08:00:00.000Z', modified: '2026-11-30T08:00:00.000Z', name,
    pattern: `[${value.includes('.example') ? 'domain-name' : 'ipv4-addr'}:value = '${value}']`,
    pattern_type: 'stix', valid_from: '2026-11-30T08:00:00Z', object_marking_refs: [marking],
  };
  if (audience) {
    obj.extensions = { [AUDIENCE_EXT]: { extension_type: 'property-extension', ...audience } };
  }
  return obj;
}

export function ipv4(id, value, marking) {
  return { type: 'ipv4-addr', spec_version: '2.1', id, value, object_marking_refs: [marking] };
}

export function sighting(id, of, count, marking) {
  return {
    type: 'sighting', spec_version: '2.1', id, created: '2026-12-01T10:00:00.000Z',
    modified: '2026-12-01T10:00:00.000Z', sighting_of_ref: of, count,
    first_seen: '2026-12-01T09:00:00Z', last_seen: '2026-12-01T09:30:00Z',
    object_marking_refs: [marking],
  };
}
