// OpenTelemetry tracing across the gateway and a subgraph: `npm start` runs with an OTLP
// exporter pointed at a receiver on the loopback interface, which collects the spans as JSON.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** 1 internal, 2 server, 3 client. */
  kind: number;
  service: string;
  scope: string;
}

const spans: ExportedSpan[] = [];
let receiver: Server;
let tandem: ChildProcess;
let gatewayUrl = '';
let output = '';
let dataDir = '';

/** Collects the spans of OTLP/HTTP JSON export requests (POST /v1/traces). */
function startReceiver(): Promise<number> {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const payload = JSON.parse(body) as {
        resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { scope: { name: string }; spans: Omit<ExportedSpan, 'service' | 'scope'>[] }[] }[];
      };
      for (const resourceSpans of payload.resourceSpans) {
        const service = resourceSpans.resource.attributes.find((attribute) => attribute.key === 'service.name')?.value.stringValue ?? '';
        for (const scopeSpans of resourceSpans.scopeSpans) {
          for (const span of scopeSpans.spans) spans.push({ ...span, service, scope: scopeSpans.scope.name });
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  return new Promise((resolve) => receiver.listen(0, '127.0.0.1', () => resolve((receiver.address() as { port: number }).port)));
}

beforeAll(async () => {
  const port = await startReceiver();
  dataDir = mkdtempSync(join(tmpdir(), 'tandem-tracing-'));
  const root = fileURLToPath(new URL('..', import.meta.url));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: '0',
    DEMO_DATA: 'false',
    LOG_LEVEL: 'warn',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    // Export every 100 ms rather than every 5 s.
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.OTEL_SERVICE_NAME;
  // A process group of its own, so that stopping it reaches tsx and node alike.
  tandem = spawn(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/start.ts'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  tandem.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  gatewayUrl = await new Promise<string>((resolve, reject) => {
    tandem.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /Tandem is running at (\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    tandem.once('exit', (code) => reject(new Error(`npm start exited with code ${code} before listening:\n${output}`)));
  });
}, 90_000);

afterAll(async () => {
  if (tandem?.exitCode === null) {
    const exited = once(tandem, 'exit');
    process.kill(-tandem.pid!, 'SIGTERM');
    await exited;
  }
  await new Promise((resolve) => receiver?.close(resolve));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Waits until `done` holds for the spans of `traceId`, or 15 s have passed, and returns those spans. */
async function spansOf(traceId: string, done: (trace: ExportedSpan[]) => boolean): Promise<ExportedSpan[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const trace = spans.filter((span) => span.traceId === traceId);
    if (done(trace) || Date.now() > deadline) return trace;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const serverKind = 2;
const clientKind = 3;

test('trace continues from client to subgraph', async () => {
  const traceId = randomBytes(16).toString('hex');
  const clientSpanId = randomBytes(8).toString('hex');
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${clientSpanId}-01` },
    body: JSON.stringify({ query: 'query Preview { invitationPreview(token: "no-such-token") { projectName } }' }),
  });
  expect(response.status).toBe(200);

  const isSubgraphServerSpan = (span: ExportedSpan, trace: ExportedSpan[]) =>
    span.kind === serverKind && trace.some((parent) => parent.kind === clientKind && parent.spanId === span.parentSpanId);
  const trace = await spansOf(traceId, (candidate) => candidate.some((span) => isSubgraphServerSpan(span, candidate)) && candidate.some((span) => span.name === 'graphql.resolve invitationPreview'));
  const described = trace.map((span) => `${span.scope} ${span.name} kind ${span.kind}`).join('\n');

  // The gateway's server span continues the client's trace.
  const gatewayServer = trace.find((span) => span.kind === serverKind && span.parentSpanId === clientSpanId);
  expect(gatewayServer, described).toBeDefined();
  expect(gatewayServer!.service).toBe('tandem');
  // The subgraph's server span is a child of the gateway's client span: traceparent reached it.
  const subgraphServer = trace.find((span) => isSubgraphServerSpan(span, trace));
  expect(subgraphServer, described).toBeDefined();
  expect(subgraphServer!.spanId).not.toBe(gatewayServer!.spanId);
  // The graphql instrumentation traces the subgraph's resolver, and @apollo/gateway its query plan.
  expect(trace.some((span) => span.name === 'graphql.resolve invitationPreview'), described).toBe(true);
  expect(trace.some((span) => span.scope === 'apollo/gateway-js' && span.name === 'gateway.plan'), described).toBe(true);
}, 30_000);

test('probes are not traced', async () => {
  const traceId = randomBytes(16).toString('hex');
  const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
  for (const path of ['/health', '/ready', '/metrics']) {
    const response = await fetch(new URL(path, gatewayUrl), { headers: { traceparent } });
    expect(response.status, path).toBe(200);
  }
  // A traced request after the probes; once its spans arrive, the probes' would have too.
  const marker = randomBytes(16).toString('hex');
  await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', traceparent: `00-${marker}-${randomBytes(8).toString('hex')}-01` }, body: JSON.stringify({ query: '{ __typename }' }) });
  await spansOf(marker, (trace) => trace.some((span) => span.kind === serverKind));
  expect(spans.filter((span) => span.traceId === traceId)).toEqual([]);
}, 30_000);
