import { expect, test } from 'vitest';
import { defaultLimitSettings, readLimitSettings } from './limits.js';

test('unset environment gives defaults', () => {
  expect(readLimitSettings({})).toEqual(defaultLimitSettings);
});

test('environment sets each limit', () => {
  const settings = readLimitSettings({
    MAX_REQUEST_BODY_BYTES: '2048',
    MAX_TOKENS: '300',
    MAX_DEPTH: '5',
    MAX_ALIASES: '0',
    MAX_ROOT_FIELDS: '4',
    MAX_EXPANDED_SELECTIONS: '500',
    MAX_QUERY_COST: '900',
    COST_DEFAULT_LIST_SIZE: '3',
    COST_BUDGET_CAPACITY: '1000',
    COST_BUDGET_REFILL_PER_SECOND: '20',
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: 'staging:',
  });
  expect(settings).toEqual({
    ...defaultLimitSettings,
    maxBodyBytes: 2048,
    maxTokens: 300,
    maxDepth: 5,
    maxAliases: 0,
    maxRootFields: 4,
    maxExpandedSelections: 500,
    maxCost: 900,
    costModel: { ...defaultLimitSettings.costModel, defaultListSize: 3 },
    budget: { capacity: 1000, refillPerSecond: 20, redisUrl: 'redis://127.0.0.1:6379', keyPrefix: 'staging:' },
  });
});

test('capacity 0 turns the budget off', () => {
  expect(readLimitSettings({ COST_BUDGET_CAPACITY: '0' }).budget).toBeNull();
});

test('malformed number is rejected', () => {
  expect(() => readLimitSettings({ MAX_DEPTH: 'deep' })).toThrow('MAX_DEPTH="deep" must be a whole number of at least 1.');
  expect(() => readLimitSettings({ MAX_TOKENS: '0' })).toThrow('MAX_TOKENS="0" must be a whole number of at least 1.');
  expect(() => readLimitSettings({ MAX_QUERY_COST: '1.5' })).toThrow(/MAX_QUERY_COST/);
});

test('capacity below cost limit is rejected', () => {
  expect(() => readLimitSettings({ MAX_QUERY_COST: '5000', COST_BUDGET_CAPACITY: '4000' })).toThrow(/COST_BUDGET_CAPACITY \(4000\) is below MAX_QUERY_COST \(5000\)/);
});
