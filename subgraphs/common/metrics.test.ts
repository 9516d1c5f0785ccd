import type { IncomingMessage } from 'node:http';
import { expect, test } from 'vitest';
import { HttpError } from './http.js';
import { ServiceMetrics } from './metrics.js';

function fakeRequest(remoteAddress: string, authorization?: string): IncomingMessage {
  return { socket: { remoteAddress }, headers: authorization ? { authorization } : {} } as unknown as IncomingMessage;
}

async function statusOf(metrics: ServiceMetrics, request: IncomingMessage): Promise<number> {
  try {
    await metrics.serve(request);
    return 200;
  } catch (error) {
    if (error instanceof HttpError) return error.status;
    throw error;
  }
}

test('without token only loopback reads', async () => {
  const metrics = new ServiceMetrics({ routes: [] });
  expect(await statusOf(metrics, fakeRequest('127.0.0.1'))).toBe(200);
  expect(await statusOf(metrics, fakeRequest('::1'))).toBe(200);
  expect(await statusOf(metrics, fakeRequest('::ffff:127.0.0.1'))).toBe(200);
  expect(await statusOf(metrics, fakeRequest('10.1.2.3'))).toBe(403);
  expect(await statusOf(metrics, fakeRequest('::ffff:192.0.2.1'))).toBe(403);
});

test('with token every client needs it', async () => {
  const metrics = new ServiceMetrics({ routes: [], token: 'scrape-secret' });
  expect(await statusOf(metrics, fakeRequest('10.1.2.3', 'Bearer scrape-secret'))).toBe(200);
  expect(await statusOf(metrics, fakeRequest('127.0.0.1'))).toBe(401);
  expect(await statusOf(metrics, fakeRequest('10.1.2.3', 'Bearer wrong'))).toBe(401);
});

test('operation names beyond the cap share a label', async () => {
  const metrics = new ServiceMetrics({ routes: [], maxOperationNames: 2 });
  for (const name of ['First', 'Second', 'Third', 'First']) metrics.observeOperation(true, name, 0.01);
  metrics.observeOperation(true, null, 0.01);
  metrics.observeOperation(false, 'Broken', 0.01);
  const { text } = await metrics.serve(fakeRequest('127.0.0.1'));
  expect(text).toContain('tandem_graphql_request_duration_seconds_count{operation="First"} 2');
  expect(text).toContain('tandem_graphql_request_duration_seconds_count{operation="Second"} 1');
  expect(text).toContain('tandem_graphql_request_duration_seconds_count{operation="(other)"} 1');
  expect(text).toContain('tandem_graphql_request_duration_seconds_count{operation="(anonymous)"} 1');
  expect(text).toContain('tandem_graphql_request_duration_seconds_count{operation="(unresolved)"} 1');
  expect(text).not.toContain('Third');
  expect(text).not.toContain('Broken');
});

test('unknown error code counts as other', async () => {
  const metrics = new ServiceMetrics({ routes: [], limitCodes: { MAX_DEPTH_EXCEEDED: 'depth' } });
  metrics.countError('MAX_DEPTH_EXCEEDED');
  metrics.countError('made up by a client');
  const { text } = await metrics.serve(fakeRequest('127.0.0.1'));
  expect(text).toContain('tandem_graphql_errors_total{code="MAX_DEPTH_EXCEEDED"} 1');
  expect(text).toContain('tandem_graphql_errors_total{code="other"} 1');
  expect(text).toContain('tandem_limit_rejections_total{limit="depth"} 1');
});
