import { AsyncLocalStorage } from 'node:async_hooks';
import pino from 'pino';

/** The request that the current asynchronous call chain serves, set by the HTTP listener. */
export const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/**
 * The process-wide logger. Every line carries the service name; request handlers use
 * a child logger with the request id, operation name and viewer id. A line logged while a
 * request is served, by any logger (Apollo's and the gateway's included), carries that
 * request's id too.
 */
export function createLogger(service: string, destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    name: service,
    level: process.env.LOG_LEVEL ?? 'info',
    base: { service },
    redact: { paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization'], censor: '[redacted]' },
    mixin(_mergeObject, _level, logger) {
      const scope = requestScope.getStore();
      // A request's child logger already binds the id; adding it again would repeat the key.
      if (!scope || 'requestId' in logger.bindings()) return {};
      return { requestId: scope.requestId };
    },
  };
  // Standard output unless a test passes a stream to read the lines from.
  return destination ? pino(options, destination) : pino(options);
}

export type Logger = pino.Logger;
