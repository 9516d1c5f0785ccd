import { createHash } from 'node:crypto';
import { Kind, parse, stripIgnoredCharacters, type DocumentNode } from 'graphql';

/** One operation of an `apollo-persisted-query-manifest`, version 1. */
export interface ManifestOperation {
  /** The SHA-256 of `body`, in lower-case hex. */
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  /** The operation's text with the fragments it uses. */
  body: string;
}

/** A checked operation, with the hash that matches its text up to insignificant characters. */
export interface RegisteredOperation extends ManifestOperation {
  strippedHash: string;
}

/** Most operations one manifest may hold. */
export const maxManifestOperations = 1000;
/** Maximum length of an operation body, in characters. */
export const maxOperationBodyLength = 100_000;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Hashes a text without its insignificant characters (whitespace, commas, comments), so that
 * two texts of the same operation hash alike however they are laid out. Null when the text does
 * not parse.
 */
export function strippedHash(text: string): string | null {
  try {
    return sha256Hex(stripIgnoredCharacters(text));
  } catch {
    return null;
  }
}

export interface ManifestProblem {
  /** Path of the offending value in the manifest, such as ["operations", "3", "id"]. */
  path: string[];
  message: string;
}

function operationTypeOf(document: DocumentNode): { type: ManifestOperation['type']; name: string | null } | string {
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) return `The body must contain exactly one operation; it contains ${operations.length}.`;
  const [operation] = operations;
  return { type: operation!.operation, name: operation!.name?.value ?? null };
}

/**
 * Checks a parsed `apollo-persisted-query-manifest` of version 1 and returns its operations, or
 * every problem found, each with the path of the value at fault.
 */
export function checkManifest(manifest: unknown): RegisteredOperation[] | ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const root = manifest as { format?: unknown; version?: unknown; operations?: unknown } | null;
  if (!root || typeof root !== 'object') return [{ path: [], message: 'The manifest must be a JSON object.' }];
  if (root.format !== 'apollo-persisted-query-manifest') {
    problems.push({ path: ['format'], message: `Expected "format": "apollo-persisted-query-manifest", got ${JSON.stringify(root.format)}.` });
  }
  if (root.version !== 1) problems.push({ path: ['version'], message: `Expected "version": 1, got ${JSON.stringify(root.version)}.` });
  if (!Array.isArray(root.operations)) return [...problems, { path: ['operations'], message: 'Expected "operations" to be a list.' }];
  if (root.operations.length > maxManifestOperations) {
    return [...problems, { path: ['operations'], message: `A manifest may contain at most ${maxManifestOperations} operations; this one contains ${root.operations.length}.` }];
  }

  const operations: RegisteredOperation[] = [];
  const seen = new Set<string>();
  root.operations.forEach((entry: unknown, index: number) => {
    const at = (field: string) => ['operations', String(index), field];
    const { id, name, type, body } = (entry ?? {}) as Record<string, unknown>;
    if (typeof body !== 'string' || body.length === 0 || body.length > maxOperationBodyLength) {
      problems.push({ path: at('body'), message: `Expected a body of 1 to ${maxOperationBodyLength} characters.` });
      return;
    }
    let parsed: ReturnType<typeof operationTypeOf>;
    try {
      parsed = operationTypeOf(parse(body));
    } catch (error) {
      problems.push({ path: at('body'), message: `The body is not valid GraphQL: ${(error as Error).message}` });
      return;
    }
    if (typeof parsed === 'string') {
      problems.push({ path: at('body'), message: parsed });
      return;
    }
    const expectedId = sha256Hex(body);
    if (id !== expectedId) problems.push({ path: at('id'), message: `Expected the id to be the SHA-256 of the body, ${expectedId}; got ${JSON.stringify(id)}.` });
    if (type !== parsed.type) problems.push({ path: at('type'), message: `Expected type "${parsed.type}", the body's operation type; got ${JSON.stringify(type)}.` });
    if (typeof name !== 'string' || name !== (parsed.name ?? '')) {
      problems.push({ path: at('name'), message: `Expected name ${JSON.stringify(parsed.name ?? '')}, the body's operation name; got ${JSON.stringify(name)}.` });
    }
    if (seen.has(expectedId)) problems.push({ path: at('id'), message: `The operation ${expectedId} is listed twice.` });
    seen.add(expectedId);
    operations.push({ id: expectedId, name: parsed.name ?? '', type: parsed.type, body, strippedHash: sha256Hex(stripIgnoredCharacters(body)) });
  });
  return problems.length > 0 ? problems : operations;
}

/** Builds a manifest from operation documents, one operation each with the fragments it uses. */
export function buildManifest(operations: Array<Omit<ManifestOperation, 'id'>>): { format: string; version: 1; operations: ManifestOperation[] } {
  return {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: operations.map((operation) => ({ id: sha256Hex(operation.body), ...operation })),
  };
}

export function isManifestProblemList(result: RegisteredOperation[] | ManifestProblem[]): result is ManifestProblem[] {
  return result.length > 0 && 'path' in result[0]!;
}
