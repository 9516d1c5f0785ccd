import { afterAll, beforeAll, expect, test } from 'vitest';
import { dataOf, expectRejected401, gql, postWithAuthorization, signUp, type TestAccount } from './fixtures.js';
import { startTestGraph, type TestGraph } from './harness.js';

// The gateway accepts an access token only as issued, in unpadded base64url. A signature written
// with padding or another character is malformed and gets 401.

let graph: TestGraph;
let owner: TestAccount;

beforeAll(async () => {
  graph = await startTestGraph();
  owner = await signUp(graph, 'Encoding Owner');
});
afterAll(() => graph?.close());

test('re-encoded access token gets 401', async () => {
  const query = '{ viewer { account { name } } }';
  expect(dataOf(await gql(graph, query, undefined, owner.token)).viewer.account.name).toBe('Encoding Owner');
  // Each of these characters is allowed by the gateway's Authorization header pattern.
  for (const suffix of ['=', '~', '~~', '/', '+']) {
    expectRejected401(await postWithAuthorization(graph, `Bearer ${owner.token}${suffix}`, query));
  }
});
