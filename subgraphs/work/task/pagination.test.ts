import { describe, expect, test } from 'vitest';
import { encodeCursor, parsePageRequest } from './pagination.js';

const projectId = '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
const otherProjectId = '7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const encode = (text: string) => Buffer.from(text).toString('base64url');

describe('parsePageRequest', () => {
  test('first page', () => {
    expect(parsePageRequest(projectId, 10, null)).toEqual({ first: 10, afterSeq: 0 });
  });

  test('cursor round trip', () => {
    expect(parsePageRequest(projectId, 100, encodeCursor(projectId, 42))).toEqual({ first: 100, afterSeq: 42 });
  });

  test.each([0, 101, -1, 2.5])('rejects first %j', (first) => {
    expect(() => parsePageRequest(projectId, first, null)).toThrow(/Invalid "first"/);
  });

  test.each(['garbage', '', encode(`task:${projectId}:-3`), encode(`task:${projectId}:0`), encode(`project:${projectId}:3`), encodeCursor(otherProjectId, 3)])(
    'rejects cursor %j',
    (after) => {
      expect(() => parsePageRequest(projectId, 10, after)).toThrow(/Invalid "after" cursor/);
    },
  );
});
