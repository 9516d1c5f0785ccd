import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { graphqlPath } from '../../subgraphs/common/http.js';

// GraphiQL in the browser, served by the gateway alone. The page, its scripts, styles, fonts,
// images and Monaco's editor workers all come from installed npm packages or from this folder, so
// the page works without network access, and its Content-Security-Policy allows no other origin.
// The bundle is @graphql-yoga/graphiql's prebuilt one (GraphiQL, React and Monaco in one file).
// @graphql-yoga/render-graphiql is not used because it inlines that bundle, the CSS and the
// workers into the page, which such a policy would block.

/** Path under which the page's assets are served; the page refers to it relative to the GraphQL path. */
export const assetsPath = '/graphiql/assets/';

/**
 * The page's Content-Security-Policy: every resource from the gateway's own origin, and no inline
 * script. Inline styles are allowed because Monaco, GraphiQL's editor, renders its lines as HTML with
 * style attributes and puts its theme's colours into a <style> element. Without them, Chromium 156
 * blocked over a hundred such styles on one page load, and the editors lost their syntax colours.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  type: string;
  body: Buffer;
  gzipped?: Buffer;
}

type Listener = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/**
 * Wraps the gateway's listener: a GET of the GraphQL path from a browser (an Accept header that
 * prefers text/html) returns the GraphiQL page, and a GET under `assetsPath` returns an asset.
 * Everything else, GET requests that execute operations included, goes to `listener`.
 */
export function withGraphiQL(listener: Listener): Listener {
  // Read at start, so that a broken installation stops the gateway rather than failing requests.
  const assets = loadAssets();

  return async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return listener(request, response);
    const pathname = pathnameOf(request);

    if (pathname === graphqlPath && prefersHtml(request.headers.accept)) {
      send(request, response, { type: 'text/html; charset=utf-8', body: Buffer.from(page) }, 'no-cache');
      return;
    }
    if (pathname?.startsWith(assetsPath)) {
      const asset = assets.get(pathname.slice(assetsPath.length));
      if (asset) {
        send(request, response, asset, 'public, max-age=3600');
        return;
      }
    }
    return listener(request, response);
  };
}

function pathnameOf(request: IncomingMessage): string | undefined {
  try {
    return new URL(request.url ?? '/', 'http://localhost').pathname;
  } catch {
    // The wrapped listener responds to an invalid request target.
    return undefined;
  }
}

/**
 * Tells whether an Accept header ranks text/html at least as high as the JSON types of GraphQL
 * responses, as a browser's navigation does (`text/html,...,*\/*;q=0.8`) and GraphQL clients do not.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const range of accept.split(',')) {
    const [mediaType = '', ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    if (!Number.isFinite(quality)) continue;
    if (mediaType === 'text/html') html = Math.max(html, quality);
    if (mediaType === 'application/json' || mediaType === 'application/graphql-response+json') json = Math.max(json, quality);
  }
  return html > 0 && html >= json;
}

function send(request: IncomingMessage, response: ServerResponse, asset: Asset, cacheControl: string): void {
  const gzip = asset.body.length > 1024 && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  if (gzip) asset.gzipped ??= gzipSync(asset.body);
  const body = gzip ? asset.gzipped! : asset.body;

  response.statusCode = 200;
  response.setHeader('x-request-id', randomUUID());
  response.setHeader('content-type', asset.type);
  response.setHeader('content-length', body.length);
  response.setHeader('cache-control', cacheControl);
  response.setHeader('vary', 'accept, accept-encoding');
  if (gzip) response.setHeader('content-encoding', 'gzip');
  response.setHeader('content-security-policy', contentSecurityPolicy);
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('referrer-policy', 'no-referrer');
  response.end(request.method === 'HEAD' ? undefined : body);
}

// Paths are relative to the GraphQL path, so the page also works when a proxy serves the
// gateway under a path prefix. `start.js` comes first: it sets up Monaco's environment before
// the bundle runs, and renders GraphiQL once the deferred bundle has run.
const relativeAssets = assetsPath.slice(1);
const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Tandem GraphiQL</title>
    <link rel="icon" href="${relativeAssets}favicon.svg" />
    <link rel="stylesheet" href="${relativeAssets}graphiql.css" />
    <link rel="stylesheet" href="${relativeAssets}page.css" />
    <script src="${relativeAssets}start.js" defer></script>
    <script src="${relativeAssets}graphiql.js" defer></script>
  </head>
  <body>
    <noscript>GraphiQL needs JavaScript.</noscript>
    <div id="graphiql" data-assets="${relativeAssets}"></div>
  </body>
</html>
`;

const javascript = 'text/javascript; charset=utf-8';
const css = 'text/css; charset=utf-8';

/** Reads every asset of the page into memory, about 9 MB with @graphql-yoga/graphiql 4.5. */
function loadAssets(): Map<string, Asset> {
  const require = createRequire(import.meta.url);
  // The package's main entry is dist/yoga-graphiql.umd.js; the other files sit beside it.
  const dist = dirname(require.resolve('@graphql-yoga/graphiql'));
  const own = dirname(fileURLToPath(import.meta.url));
  const read = (folder: string, file: string) => readFileSync(join(folder, file));

  const styles = extractDataUrls(read(dist, 'graphiql.css').toString('utf8'), 'inline/');
  const assets = new Map<string, Asset>([
    ['graphiql.js', { type: javascript, body: read(dist, 'yoga-graphiql.umd.js') }],
    ['graphiql.css', { type: css, body: Buffer.from(styles.css) }],
    ['editor.worker.js', { type: javascript, body: read(dist, 'monacoeditorwork/editor.worker.bundle.js') }],
    ['json.worker.js', { type: javascript, body: read(dist, 'monacoeditorwork/json.worker.bundle.js') }],
    // The package names this file with two dots.
    ['graphql.worker.js', { type: javascript, body: read(dist, 'monacoeditorwork/graphql.worker..bundle.js') }],
    ['start.js', { type: javascript, body: read(own, 'start.js') }],
    ['page.css', { type: css, body: read(own, 'page.css') }],
    ['favicon.svg', { type: 'image/svg+xml', body: read(own, 'favicon.svg') }],
  ]);
  for (const [name, asset] of styles.files) assets.set(name, asset);
  return assets;
}

const extensions: Record<string, string> = {
  'font/woff2': 'woff2',
  'font/woff': 'woff',
  'font/ttf': 'ttf',
  'image/png': 'png',
  'image/svg+xml': 'svg',
  'image/gif': 'gif',
};

/**
 * Moves the `data:` URLs of a stylesheet (GraphiQL's fonts and images) into files named by a hash
 * of their content under `prefix`, because a policy of `font-src 'self'; img-src 'self'` blocks
 * data: URLs. A data URL of a media type without an entry in `extensions` stays as it is.
 */
export function extractDataUrls(stylesheet: string, prefix: string): { css: string; files: Map<string, Asset> } {
  const files = new Map<string, Asset>();
  const pattern = /url\(\s*(?:"(data:[^"]*)"|'(data:[^']*)'|(data:[^)\s'"]*))\s*\)/g;
  const rewritten = stylesheet.replace(pattern, (whole, doubleQuoted?: string, singleQuoted?: string, bare?: string) => {
    const url = doubleQuoted ?? singleQuoted ?? bare ?? '';
    const match = /^data:([^;,]+)((?:;[^;,]*)*),(.*)$/s.exec(url);
    const extension = match ? extensions[match[1]!.toLowerCase()] : undefined;
    if (!match || !extension) return whole;

    const isBase64 = match[2]!.split(';').includes('base64');
    const body = isBase64 ? Buffer.from(match[3]!, 'base64') : Buffer.from(decodeURIComponent(match[3]!), 'utf8');
    const name = `${prefix}${createHash('sha256').update(body).digest('hex').slice(0, 16)}.${extension}`;
    files.set(name, { type: match[1]!.toLowerCase(), body });
    // The stylesheet is served from the assets folder, so the name is relative to it.
    return `url("${name}")`;
  });
  return { css: rewritten, files };
}
