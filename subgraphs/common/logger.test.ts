import { expect, test } from 'vitest';
import { createLogger } from './logger.js';

function collectingLogger() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('test', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

test('lines carry the service name', () => {
  const { log, lines } = collectingLogger();
  log.info('started');
  expect(lines[0]!.service).toBe('test');
});

test('child binds the request id', () => {
  const { log, lines } = collectingLogger();
  log.child({ requestId: 'request-1' }).warn('inside');
  expect(lines[0]!.requestId).toBe('request-1');
});

test('secrets redacted', () => {
  const { log, lines } = collectingLogger();
  log.info({ password: 'p', token: 't', authorization: 'a', input: { password: 'q' } }, 'sign-in');
  expect(lines[0]).toMatchObject({ password: '[redacted]', token: '[redacted]', authorization: '[redacted]', input: { password: '[redacted]' } });
});
