import { parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, test } from 'vitest';
import { callerKindOf } from './caller.js';
import { introspectionAccess, readAnonymousIntrospection, selectsIntrospection } from './introspection.js';

function selects(document: string, operationName?: string): boolean {
  const parsed = parse(document);
  const operation = parsed.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === 'OperationDefinition' && (operationName === undefined || definition.name?.value === operationName),
  );
  return selectsIntrospection(parsed, operation!);
}

describe('selectsIntrospection', () => {
  test.each([
    ['__schema', '{ __schema { types { name } } }'],
    ['__type', '{ __type(name: "Task") { name } }'],
    ['alias', '{ s: __schema { queryType { name } } }'],
    ['inline fragment', '{ ... on Query { __type(name: "Task") { name } } }'],
    ['named fragment', 'query { ...F } fragment F on Query { __schema { queryType { name } } }'],
    ['fragment in fragment', 'query { ...A } fragment A on Query { ...B } fragment B on Query { __schema { queryType { name } } }'],
    ['under a field', '{ viewer { ... on Viewer { __type(name: "Task") { name } } } }'],
  ])('finds %s', (_case, document) => {
    expect(selects(document)).toBe(true);
  });

  test.each([
    ['__typename', '{ __typename viewer { __typename } }'],
    ['ordinary fields', '{ viewer { account { name } } }'],
    ['field named like it without underscores', '{ schema type }'],
    ['cyclic fragments', 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A viewer { id } }'],
  ])('ignores %s', (_case, document) => {
    expect(selects(document)).toBe(false);
  });

  test('looks at the executed operation only', () => {
    const document = 'query Data { viewer { id } } query Schema { __schema { queryType { name } } }';
    expect(selects(document, 'Data')).toBe(false);
    expect(selects(document, 'Schema')).toBe(true);
  });
});

describe('readAnonymousIntrospection', () => {
  test.each([
    [{}, true],
    [{ NODE_ENV: 'development' }, true],
    [{ NODE_ENV: 'test' }, true],
    [{ NODE_ENV: 'production' }, false],
    [{ NODE_ENV: 'production', ANONYMOUS_INTROSPECTION: 'true' }, true],
    [{ NODE_ENV: 'production', ANONYMOUS_INTROSPECTION: '1' }, true],
    [{ ANONYMOUS_INTROSPECTION: 'false' }, false],
    [{ ANONYMOUS_INTROSPECTION: '0' }, false],
    [{ NODE_ENV: 'production', ANONYMOUS_INTROSPECTION: '' }, false],
  ])('%j gives %s', (env, expected) => {
    expect(readAnonymousIntrospection(env)).toBe(expected);
  });

  test('rejects values other than true and false', () => {
    expect(() => readAnonymousIntrospection({ ANONYMOUS_INTROSPECTION: 'yes' })).toThrow('ANONYMOUS_INTROSPECTION="yes" must be "true" or "false".');
  });

  test('rejects the removed INTROSPECTION', () => {
    expect(() => readAnonymousIntrospection({ INTROSPECTION: 'false' })).toThrow(/INTROSPECTION is no longer supported.*ANONYMOUS_INTROSPECTION/);
  });
});

describe('introspection access', () => {
  test('signed-in callers always introspect', () => {
    expect(introspectionAccess({ anonymous: false })).toEqual({ anonymous: false, signedIn: true });
    expect(introspectionAccess({ anonymous: true })).toEqual({ anonymous: true, signedIn: true });
  });

  test('caller kind follows the viewer', () => {
    expect(callerKindOf({ viewer: null })).toBe('anonymous');
    expect(callerKindOf({ viewer: { accountId: 'a', sessionId: 's', workspaceId: null } })).toBe('signedIn');
  });
});
