import { createHmac, timingSafeEqual } from 'node:crypto';

// Compact JWS tokens signed with HMAC-SHA-256, made and checked with node:crypto's synchronous
// HMAC. jose 6 uses WebCrypto, whose asynchronous calls were a large item in the gateway's CPU
// profile (BENCHMARKS.md). The gateway checks an access token per operation and signs an
// assertion per subgraph request.

function hmac(key: Uint8Array, signingInput: string): Buffer {
  return createHmac('sha256', key).update(signingInput).digest();
}

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeJson(encoded: string): unknown {
  try {
    return JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JWS protected header, encoded once per header rather than once per token. */
export class Hs256Header {
  readonly encoded: string;

  constructor(fields: Record<string, unknown>) {
    this.encoded = encodeJson({ ...fields, alg: 'HS256' });
  }

  /** Returns the compact token of `claims` under this header, signed with `key`. */
  sign(key: Uint8Array, claims: Record<string, unknown>): string {
    const signingInput = `${this.encoded}.${encodeJson(claims)}`;
    return `${signingInput}.${hmac(key, signingInput).toString('base64url')}`;
  }
}

/**
 * Returns the claims of a compact token signed with `key`, or null when the token is invalid. It
 * is invalid without three parts, with a signature that does not match or is not written in
 * unpadded base64url, or with a payload that is not a JSON object. Its header must name HS256
 * and no critical extensions, which this check does not implement. The caller checks claims
 * such as issuer and expiry.
 */
export function verifyHs256(key: Uint8Array, token: string, knownHeader?: Hs256Header): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts as [string, string, string];
  if (header !== knownHeader?.encoded) {
    const fields = decodeJson(header);
    if (!isObject(fields) || fields.alg !== 'HS256' || fields.crit !== undefined) return null;
  }
  // Compared as text: Buffer's base64url decoder ignores padding and stray characters, so
  // comparing decoded bytes would accept other spellings of the same signature.
  const received = Buffer.from(signature);
  const expected = Buffer.from(hmac(key, `${header}.${payload}`).toString('base64url'));
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) return null;
  const claims = decodeJson(payload);
  return isObject(claims) ? claims : null;
}
