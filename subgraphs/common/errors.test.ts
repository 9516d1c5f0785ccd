import { readFileSync } from 'node:fs';
import { parse, type EnumTypeDefinitionNode } from 'graphql';
import { describe, expect, test } from 'vitest';
import { userErrorCodes } from './errors.js';
import { subgraphNames } from './subgraph.js';

function userErrorEnum(name: string): EnumTypeDefinitionNode {
  const document = parse(readFileSync(new URL(`../../schema/${name}.graphql`, import.meta.url), 'utf8'));
  const found = document.definitions.find((definition): definition is EnumTypeDefinitionNode => definition.kind === 'EnumTypeDefinition' && definition.name.value === 'UserErrorCode');
  if (!found) throw new Error(`schema/${name}.graphql defines no UserErrorCode enum.`);
  return found;
}

describe('UserErrorCode', () => {
  test.each(subgraphNames)('%s lists registered codes with their descriptions', (name) => {
    for (const value of userErrorEnum(name).values ?? []) {
      const code = value.name.value as keyof typeof userErrorCodes;
      expect(userErrorCodes, `schema/${name}.graphql code ${code}`).toHaveProperty(code);
      expect(value.description?.value).toBe(userErrorCodes[code]);
    }
  });

  test('every registered code appears in some subgraph', () => {
    const used = new Set(subgraphNames.flatMap((name) => (userErrorEnum(name).values ?? []).map((value) => value.name.value)));
    expect(Object.keys(userErrorCodes).filter((code) => !used.has(code))).toEqual([]);
  });
});
