import dns from 'node:dns';
import net from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestGraph, type TestGraph } from './harness.js';

// The graph talks to its own subgraphs and database only: no telemetry, no cloud metadata probes.
const contacted: string[] = [];
const originalConnect = net.Socket.prototype.connect;
const originalLookup = dns.lookup;
let graph: TestGraph;

beforeAll(async () => {
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const [first] = args;
    const options = typeof first === 'object' && first !== null ? (first as { host?: string; path?: string }) : { host: typeof args[1] === 'string' ? args[1] : undefined };
    if (!options.path) contacted.push(options.host ?? 'localhost');
    return (originalConnect as (...rest: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  (dns as { lookup: unknown }).lookup = (hostname: string, ...rest: unknown[]) => {
    contacted.push(hostname);
    return (originalLookup as (...all: unknown[]) => void)(hostname, ...rest);
  };
  graph = await startTestGraph();
});

afterAll(async () => {
  await graph?.close();
  net.Socket.prototype.connect = originalConnect;
  (dns as { lookup: unknown }).lookup = originalLookup;
});

test('the graph connects to loopback addresses only', async () => {
  const response = await graph.request('{ viewer { account { id } } }', {});
  expect(response.errors).toBeUndefined();
  // Resource detectors and exporters run on timers after start-up; give them time to show.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|::1|\[::1\])$/;
  expect(contacted.filter((host) => !loopback.test(host))).toEqual([]);
});
