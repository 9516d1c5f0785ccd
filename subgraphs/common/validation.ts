import { userError, type UserError } from './errors.js';

/** Trims a name-like input and checks its length; returns the trimmed text or a user error. */
export function checkText(value: string, field: string[], label: string, maxLength: number, minLength = 1): string | UserError {
  const trimmed = value.trim();
  if (trimmed.length < minLength || trimmed.length > maxLength) {
    const range = minLength === 0 ? `at most ${maxLength}` : `${minLength} to ${maxLength}`;
    return userError('INVALID_INPUT', field, `${label} must be ${range} characters long after trimming; it is ${trimmed.length}.`);
  }
  return trimmed;
}

export function isUserError(value: unknown): value is UserError {
  return typeof value === 'object' && value !== null && 'code' in value && 'message' in value;
}

/** Checks an optional image URL: absolute http or https, at most 2048 characters. */
export function checkImageUrl(value: string, field: string[], label: string): string | UserError {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || value.length > 2048) {
    return userError('INVALID_INPUT', field, `${label} ${JSON.stringify(value.slice(0, 100))} is not an absolute http or https URL of at most 2048 characters.`);
  }
  return url.toString();
}
