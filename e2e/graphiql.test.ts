import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signUp, type TestAccount } from './builders.js';
import { startTestGraph, type TestGraph } from './harness.js';

// GraphiQL served by the gateway: the page and every asset come from the gateway, and a browser
// opening it sends no request beyond the loopback address of the test graph.

const chromiumPath = '/usr/bin/chromium';
const browserAccept = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const screenshotPath = new URL('./artifacts/graphiql.png', import.meta.url);

let graph: TestGraph;
let account: TestAccount;

beforeAll(async () => {
  graph = await startTestGraph();
  account = await signUp(graph, 'Gilda Graphiql');
});
afterAll(() => graph?.close());

/** Fetches a URL of the page the way a browser does, relative to the GraphQL URL. */
function fetchFromPage(path: string, base = graph.url) {
  return fetch(new URL(path, base), { headers: { accept: '*/*', 'accept-encoding': 'gzip' } });
}

describe('GraphiQL over HTTP', () => {
  test('browser GET returns the page', async () => {
    const response = await fetch(graph.url, { headers: { accept: browserAccept } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('<div id="graphiql"');
    // Every reference is relative to the page, so it stays on the gateway's origin.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<script>|<style>|style="/);
  });

  test('page has a strict content security policy', async () => {
    const response = await fetch(graph.url, { headers: { accept: browserAccept } });
    const policy = response.headers.get('content-security-policy') ?? '';
    const directives: Record<string, string[]> = {};
    for (const directive of policy.split(';')) {
      const [name = '', ...sources] = directive.trim().split(/\s+/);
      directives[name] = sources;
    }
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    for (const sources of Object.values(directives)) {
      for (const source of sources) expect(["'self'", "'none'", "'unsafe-inline'"]).toContain(source);
    }
    // Inline styles only; inline scripts stay blocked.
    expect(directives['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  test('every asset of the page is served', async () => {
    const html = await (await fetch(graph.url, { headers: { accept: browserAccept } })).text();
    const references = [...html.matchAll(/(?:src|href|data-assets)="([^"]+)"/g)].map((match) => match[1]!);
    expect(references.length).toBeGreaterThanOrEqual(5);

    const stylesheets: URL[] = [];
    for (const reference of references.filter((path) => !path.endsWith('/'))) {
      const response = await fetchFromPage(reference);
      expect(response.status, reference).toBe(200);
      if (reference.endsWith('.css')) stylesheets.push(new URL(reference, graph.url));
      await response.arrayBuffer();
    }

    // GraphiQL's stylesheet refers to fonts and images, which the gateway serves as files.
    let fileCount = 0;
    for (const stylesheet of stylesheets) {
      const css = await (await fetchFromPage(stylesheet.href)).text();
      expect(css).not.toContain('data:');
      expect(css).not.toMatch(/url\(\s*["']?(https?:)?\/\//);
      for (const [, path] of css.matchAll(/url\(\s*"([^"]+)"\s*\)/g)) {
        const response = await fetchFromPage(path!, stylesheet.href);
        expect(response.status, path).toBe(200);
        expect(response.headers.get('content-type'), path).toMatch(/^(font|image)\//);
        await response.arrayBuffer();
        fileCount += 1;
      }
    }
    expect(fileCount).toBeGreaterThan(0);

    for (const worker of ['editor.worker.js', 'json.worker.js', 'graphql.worker.js']) {
      const response = await fetchFromPage(`graphiql/assets/${worker}`);
      expect(response.status, worker).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      await response.arrayBuffer();
    }
  });

  test('large assets are gzipped', async () => {
    const response = await fetchFromPage('graphiql/assets/graphiql.js');
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect((await response.text()).length).toBeGreaterThan(1_000_000);
  });

  test('unknown asset is not found', async () => {
    // Assets are looked up by name in a fixed table, never as paths on disk.
    const traversal = await fetchFromPage('graphiql/assets/..%2f..%2fpackage.json');
    expect(traversal.status).toBe(404);
    await traversal.arrayBuffer();
    const missing = await fetchFromPage('graphiql/assets/missing.js');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
  });

  test('GET with a query still executes', async () => {
    const url = `${graph.url}?query=${encodeURIComponent('{ viewer { account { name } } }')}`;
    const response = await fetch(url, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true', authorization: `Bearer ${account.token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { viewer: { account: { name: account.name } } } });
  });

  test('GET from a non-browser client is not the page', async () => {
    const response = await fetch(graph.url, { headers: { accept: '*/*' } });
    expect(response.headers.get('content-type')).toMatch(/json/);
    await response.arrayBuffer();
  });
});

describe('GraphiQL in Chromium', () => {
  test('signs in and runs a query', async (context) => {
    if (!existsSync(chromiumPath)) {
      const reason = `Skipped: ${chromiumPath} is missing, so GraphiQL is not tested in a browser. Install it with "apt-get install -y chromium".`;
      console.warn(reason);
      context.skip(reason);
    }

    const profile = mkdtempSync(join(tmpdir(), 'tandem-chromium-'));
    let browser: BrowserContext | undefined;
    try {
      browser = await chromium.launchPersistentContext(profile, {
        executablePath: chromiumPath,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          // Any name but the loopback address fails to resolve, so nothing could leave by accident.
          '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
        ],
      });

      const requested: string[] = [];
      browser.on('request', (request) => requested.push(request.url()));
      const page = browser.pages()[0] ?? (await browser.newPage());
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
      });

      await page.goto(graph.url);
      const queryEditor = page.locator('.graphiql-query-editor .monaco-editor');
      await queryEditor.waitFor({ timeout: 15_000 });

      // Sign in: the access token goes into GraphiQL's headers editor.
      await page.getByRole('button', { name: 'Headers' }).click();
      await page.locator('.graphiql-editor-tool .monaco-editor').last().click();
      await page.keyboard.insertText(`{"Authorization": "Bearer ${account.token}"}`);

      await queryEditor.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Backspace');
      await page.keyboard.insertText('{ viewer { account { name } } }');

      // GraphiQL takes the editors' text into its state after a short debounce; it then stores the tab.
      await page.waitForFunction((token) => {
        const state = localStorage.getItem('graphiql:tabState') ?? '';
        return state.includes('{ viewer { account { name } } }') && state.includes(token);
      }, account.token);

      const executed = page.waitForRequest((request) => request.method() === 'POST' && request.headers().authorization === `Bearer ${account.token}`);
      await page.locator('.graphiql-execute-button').click();
      expect((await executed).postDataJSON()).toMatchObject({ query: expect.stringContaining('viewer') });
      await page.locator('.graphiql-response').getByText(`"${account.name}"`).waitFor({ timeout: 10_000 });

      mkdirSync(new URL('.', screenshotPath), { recursive: true });
      await page.screenshot({ path: screenshotPath.pathname });

      const origin = new URL(graph.url).origin;
      expect(requested.filter((url) => new URL(url).origin !== origin)).toEqual([]);
      expect(requested).toContain(`${origin}/graphiql/assets/graphiql.js`);
      expect(problems).toEqual([]);
    } finally {
      await browser?.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 60_000);
});
