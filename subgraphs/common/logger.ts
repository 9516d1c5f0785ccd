import pino from 'pino';

/**
 * The process-wide logger. Every line carries the service name; request handlers use
 * a child logger with the request id, operation name and viewer id.
 */
export function createLogger(service: string): pino.Logger {
  return pino({
    name: service,
    level: process.env.LOG_LEVEL ?? 'info',
    base: { service },
    redact: { paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization'], censor: '[redacted]' },
  });
}

export type Logger = pino.Logger;
