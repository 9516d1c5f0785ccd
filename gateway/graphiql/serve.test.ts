import { describe, expect, test } from 'vitest';
import { extractDataUrls, prefersHtml } from './serve.js';

describe('prefersHtml', () => {
  test.each([
    ['Chromium navigation', 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8', true],
    ['Firefox navigation', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['html and json equal', 'text/html, application/json', true],
    ['curl', '*/*', false],
    ['no header', undefined, false],
    ['JSON client', 'application/json', false],
    ['GraphQL over HTTP client', 'application/graphql-response+json, application/json;q=0.9', false],
    ['json preferred over html', 'application/json, text/html;q=0.5', false],
    ['html refused', 'text/html;q=0, */*', false],
    ['malformed quality', 'text/html;q=high', false],
    ['upper case', 'TEXT/HTML', true],
  ])('%s', (_case, accept, expected) => {
    expect(prefersHtml(accept)).toBe(expected);
  });
});

describe('extractDataUrls', () => {
  const woff2 = Buffer.from('wOF2 font bytes');
  const svg = '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0"/></svg>';

  test('moves base64 fonts into files', () => {
    const css = `@font-face { font-family: A; src: url(data:font/woff2;base64,${woff2.toString('base64')}) format("woff2"); }`;
    const { css: rewritten, files } = extractDataUrls(css, 'inline/');
    expect(files.size).toBe(1);
    const [name, asset] = [...files][0]!;
    expect(name).toMatch(/^inline\/[0-9a-f]{16}\.woff2$/);
    expect(asset).toMatchObject({ type: 'font/woff2', body: woff2 });
    expect(rewritten).toBe(`@font-face { font-family: A; src: url("${name}") format("woff2"); }`);
  });

  test('decodes quoted percent-encoded images', () => {
    const css = `.a { background: url("data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}"); } .b { background: url('data:image/svg+xml,${encodeURIComponent(svg)}'); }`;
    const { css: rewritten, files } = extractDataUrls(css, 'inline/');
    // Both URLs hold the same image, so they share one file.
    expect(files.size).toBe(1);
    const [name, asset] = [...files][0]!;
    expect(asset.body.toString('utf8')).toBe(svg);
    expect(rewritten).toBe(`.a { background: url("${name}"); } .b { background: url("${name}"); }`);
    expect(rewritten).not.toContain('data:');
  });

  test('leaves unknown types and plain URLs alone', () => {
    const css = '.a { background: url(data:application/x-unknown;base64,AAAA); } .b { background: url(picture.png); }';
    const { css: rewritten, files } = extractDataUrls(css, 'inline/');
    expect(files.size).toBe(0);
    expect(rewritten).toBe(css);
  });
});
