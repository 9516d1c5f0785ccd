import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

// OpenTelemetry tracing, started only when the environment configures an exporter. Entry points
// start it through start-tracing.ts, imported before any other module, because the http and
// graphql instrumentations patch those modules when they are first loaded. Unless tracing is
// configured, none of the SDK's packages is loaded.

/**
 * Returns whether the environment configures trace export: OTEL_TRACES_EXPORTER names an exporter
 * other than "none", or, with OTEL_TRACES_EXPORTER unset, an OTLP endpoint is set.
 * OTEL_SDK_DISABLED=true turns tracing off whatever else is set.
 */
export function isTracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (exporters.length > 0) return exporters.some((name) => name !== 'none');
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** Returns the default service name of the process that `entryScript` runs: tandem-gateway, tandem-identity, and so on, or tandem for `npm start`. */
export function defaultServiceName(entryScript: string): string {
  const match = /(?:^|[\\/])(gateway|identity|sharing|work)[\\/]main\.[cm]?[jt]s$/.exec(entryScript);
  return match ? `tandem-${match[1]}` : 'tandem';
}

/** Paths whose requests get no span: probes and scrapes, which would drown the traces of real requests. */
const untracedPaths = new Set(['/health', '/ready', '/metrics']);

function isUntraced(request: IncomingMessage): boolean {
  const path = (request.url ?? '').split('?')[0] ?? '';
  return untracedPaths.has(path);
}

let sdk: { shutdown(): Promise<void> } | undefined;

/**
 * Starts the OpenTelemetry Node SDK with the http and graphql instrumentations when the
 * environment configures tracing, and returns whether it did. The exporter, its endpoint and
 * protocol, sampling and propagation follow the standard OTEL_* variables; only traces are
 * exported. OTEL_SERVICE_NAME overrides the service name.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (sdk || !isTracingConfigured(env)) return false;

  // Loaded synchronously, so that the instrumentations are in place before the importing
  // entry point loads http or graphql.
  const require = createRequire(import.meta.url);
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { GraphQLInstrumentation } = require('@opentelemetry/instrumentation-graphql') as typeof import('@opentelemetry/instrumentation-graphql');

  const started = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ? undefined : serviceName,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: isUntraced }),
      // One span per list field rather than per item, and none for fields that only read a property.
      new GraphQLInstrumentation({ mergeItems: true, ignoreTrivialResolveSpans: true }),
    ],
    // Traces only: without these, the SDK would also export metrics and logs over OTLP.
    metricReaders: [],
    logRecordProcessors: [],
  });
  started.start();
  sdk = started;
  return true;
}

/** Flushes the spans not yet exported and stops tracing; does nothing when tracing is off. */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}

/**
 * Runs a GraphQL request that the gateway hands to a subgraph in the same process inside the two
 * spans that HTTP would have made. The client span is a child of the caller's span. The server
 * span continues the client span's `traceparent`, which `serve` receives in its headers, as the
 * HTTP instrumentation does for a request from the network. Without a registered SDK the spans
 * are no-ops.
 */
export async function inDispatchSpans<T>(headers: Record<string, string>, serve: (headers: Record<string, string>) => Promise<{ status: number } & T>): Promise<{ status: number } & T> {
  const tracer = trace.getTracer('tandem-dispatch');
  return tracer.startActiveSpan('POST', { kind: SpanKind.CLIENT, attributes: { 'tandem.subgraph_request': 'in-process' } }, async (client) => {
    const sent = { ...headers };
    propagation.inject(context.active(), sent);
    try {
      const received = propagation.extract(ROOT_CONTEXT, sent);
      return await tracer.startActiveSpan('POST /graphql', { kind: SpanKind.SERVER, attributes: { 'tandem.subgraph_request': 'in-process' } }, received, async (server) => {
        try {
          const result = await serve(sent);
          server.setAttribute('http.response.status_code', result.status);
          client.setAttribute('http.response.status_code', result.status);
          if (result.status >= 500) server.setStatus({ code: SpanStatusCode.ERROR });
          return result;
        } finally {
          server.end();
        }
      });
    } finally {
      client.end();
    }
  });
}
