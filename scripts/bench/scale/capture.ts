// A recording TCP proxy in front of PostgreSQL. Targets started with its URL send their SQL
// through it, and it notes each statement they execute with its parameters, read from the
// frontend messages of the wire protocol (Query, Parse and Bind). The server's
// pg_stat_statements would need a restart to load, and it drops the parameters that
// EXPLAIN ANALYZE needs.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface CapturedStatement {
  text: string;
  /** Parameters in text format; null for SQL NULL and for parameters sent in binary. */
  parameters: (string | null)[];
}

export interface StatementRecorder {
  /** postgres:// URL of the proxy, with the user, password and database of the upstream URL. */
  url: string;
  /** Starts a new recording and returns the statements of the previous one. */
  take(): CapturedStatement[];
  close(): Promise<void>;
}

/** Reads the null-terminated string at `offset` and returns it with the offset after the terminator. */
function cString(buffer: Buffer, offset: number): [string, number] {
  const end = buffer.indexOf(0, offset);
  return [buffer.toString('utf8', offset, end), end + 1];
}

/** Follows one client connection's frontend messages and reports the statements it executes. */
function followClient(client: Socket, upstream: Socket, record: (statement: CapturedStatement) => void): void {
  const prepared = new Map<string, string>();
  let pending: Buffer = Buffer.alloc(0);
  let startupDone = false;

  client.on('data', (chunk: Buffer) => {
    upstream.write(chunk);
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      if (!startupDone) {
        // The startup message has a length and no type byte.
        if (pending.length < 4) return;
        const length = pending.readInt32BE(0);
        if (pending.length < length) return;
        pending = pending.subarray(length);
        startupDone = true;
        continue;
      }
      if (pending.length < 5) return;
      const length = pending.readInt32BE(1);
      if (pending.length < 1 + length) return;
      const type = String.fromCharCode(pending[0]!);
      const body = pending.subarray(5, 1 + length);
      pending = pending.subarray(1 + length);
      if (type === 'Q') {
        record({ text: cString(body, 0)[0], parameters: [] });
      } else if (type === 'P') {
        const [name, afterName] = cString(body, 0);
        prepared.set(name, cString(body, afterName)[0]);
      } else if (type === 'B') {
        const [, afterPortal] = cString(body, 0);
        const [statementName, afterStatement] = cString(body, afterPortal);
        let offset = afterStatement;
        const formatCount = body.readInt16BE(offset);
        const formats: number[] = [];
        for (let index = 0; index < formatCount; index += 1) formats.push(body.readInt16BE(offset + 2 + index * 2));
        offset += 2 + formatCount * 2;
        const parameterCount = body.readInt16BE(offset);
        offset += 2;
        const parameters: (string | null)[] = [];
        for (let index = 0; index < parameterCount; index += 1) {
          const size = body.readInt32BE(offset);
          offset += 4;
          const binary = (formatCount === 1 ? formats[0] : formats[index]) === 1;
          parameters.push(size < 0 || binary ? null : body.toString('utf8', offset, offset + size));
          if (size > 0) offset += size;
        }
        const text = prepared.get(statementName);
        if (text !== undefined) record({ text, parameters });
      }
    }
  });
}

/** Starts the proxy on a free loopback port in front of the server of `upstreamUrl`. */
export async function startStatementRecorder(upstreamUrl: string): Promise<StatementRecorder> {
  const upstreamAddress = new URL(upstreamUrl);
  let recording: CapturedStatement[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: upstreamAddress.hostname, port: Number(upstreamAddress.port || 5432) });
    sockets.add(client).add(upstream);
    upstream.on('data', (chunk) => client.write(chunk));
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      from.on('close', () => {
        sockets.delete(from);
        to.destroy();
      });
      from.on('error', () => to.destroy());
    }
    followClient(client, upstream, (statement) => recording.push(statement));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('The statement recorder has no TCP address.');
  const url = new URL(upstreamUrl);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);

  return {
    url: url.toString(),
    take() {
      const finished = recording;
      recording = [];
      return finished;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
