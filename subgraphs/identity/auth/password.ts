import { hash, verify, type Algorithm } from '@node-rs/argon2';

// argon2id with OWASP's minimum recommended cost (19 MiB, two passes, one lane). The
// package declares `Algorithm` as a const enum, which isolated modules cannot read: 2 is Argon2id.
const options = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

let decoyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored hash. Without a stored hash (an unknown e-mail) it
 * verifies against a decoy, so that both outcomes take the same time.
 */
export async function verifyPassword(storedHash: string | undefined, password: string): Promise<boolean> {
  if (storedHash === undefined) {
    decoyHash ??= hashPassword('decoy password that no account has');
    await verify(await decoyHash, password);
    return false;
  }
  return verify(storedHash, password);
}
