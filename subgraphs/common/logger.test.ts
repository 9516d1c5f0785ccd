import { expect, test } from 'vitest';
import { createLogger, requestScope } from './logger.js';

function collectingLogger() {
  const lines: string[] = [];
  const log = createLogger('test', { write: (line: string) => void lines.push(line) });
  return { log, lines };
}

test('lines in a request scope carry its id', () => {
  const { log, lines } = collectingLogger();
  log.info('before');
  requestScope.run({ requestId: 'request-1' }, () => log.info('inside'));
  expect(lines.map((line) => JSON.parse(line).requestId)).toEqual([undefined, 'request-1']);
});

test('bound request id not repeated', () => {
  const { log, lines } = collectingLogger();
  requestScope.run({ requestId: 'request-2' }, () => log.child({ requestId: 'request-2' }).info('bound'));
  expect(lines[0]!.match(/"requestId"/g)).toHaveLength(1);
});

test('request id survives awaits', async () => {
  const { log, lines } = collectingLogger();
  await requestScope.run({ requestId: 'request-3' }, async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    log.warn('later');
  });
  expect(JSON.parse(lines[0]!).requestId).toBe('request-3');
});
