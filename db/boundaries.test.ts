import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

// Each subgraph writes only its own PostgreSQL schema and reads another's facts only
// through the views that owner publishes (db/<owner>/contract.ts, views named v_*).
// These checks read the source, so a new import or SQL string that crosses the line fails.

const root = fileURLToPath(new URL('..', import.meta.url));
const owners = ['identity', 'sharing', 'work'] as const;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/** Lists imports of another subgraph's tables and SQL naming another schema's table, for the code under `folder`. */
function crossings(folder: string, owner: string | null): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(folder)) {
    const text = readFileSync(file, 'utf8');
    const name = relative(root, file);
    for (const match of text.matchAll(/from '(?:\.\.\/)+db\/(identity|sharing|work)\/schema\.js'/g)) {
      if (match[1] !== owner) found.push(`${name} imports the tables of ${match[1]}`);
    }
    for (const match of text.matchAll(/\b(identity|sharing|work)\.([a-z_]+)\b/g)) {
      if (match[1] !== owner && !match[2]!.startsWith('v_') && /\b(from|join)\s+$/i.test(text.slice(Math.max(0, match.index! - 12), match.index!))) {
        found.push(`${name} reads ${match[0]} in SQL`);
      }
    }
  }
  return found;
}

test.each(owners)('%s subgraph reads other schemas only through views', (owner) => {
  expect(crossings(join(root, 'subgraphs', owner), owner)).toEqual([]);
});

test('common code and gateway read only views', () => {
  expect([...crossings(join(root, 'subgraphs', 'common'), null), ...crossings(join(root, 'gateway'), null)]).toEqual([]);
});

test('contracts define only views', () => {
  for (const owner of owners) {
    const path = join(root, 'db', owner, 'contract.ts');
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    expect(text, path).not.toMatch(/\.table\(/);
    for (const match of text.matchAll(/\.view\('([a-z_]+)'/g)) expect(match[1]).toMatch(/^v_/);
  }
});
