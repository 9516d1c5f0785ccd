import pino from 'pino';

/**
 * The process-wide logger. Every line carries the service name. Request handlers log through a
 * child logger that binds the request id, operation name and viewer id, and the HTTP listener
 * names the request id in the lines it writes itself.
 *
 * NOTE: a line that a library writes through this logger while it serves a request, such as an
 * Apollo Server plugin failure, has no request id. Binding it to every line needs
 * AsyncLocalStorage, which makes Node.js 20 run hooks on every promise: that cost 12 to 21 % of
 * the CPU time per request of `npm start` (BENCHMARKS.md).
 */
export function createLogger(service: string, destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    name: service,
    level: process.env.LOG_LEVEL ?? 'info',
    base: { service },
    redact: { paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization'], censor: '[redacted]' },
  };
  // Standard output unless a test passes a stream to read the lines from.
  return destination ? pino(options, destination) : pino(options);
}

export type Logger = pino.Logger;
