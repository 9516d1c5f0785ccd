import { userError, type UserError } from './errors.js';

// PostgreSQL text cannot hold U+0000, and a name or e-mail address has no use for line
// breaks or other control characters.
// C0 and C1 control characters (U+0085 NEXT LINE among them) and the Unicode line and
// paragraph separators.
const singleLineControls = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// Multi-line text keeps tabs and line breaks (\t, \n, \r).
const multiLineControls = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Trims a name-like input and checks its length and characters; returns the trimmed text or a user error. */
export function checkText(value: string, field: string[], label: string, maxLength: number, minLength = 1): string | UserError {
  const trimmed = value.trim();
  if (trimmed.length < minLength || trimmed.length > maxLength) {
    const range = minLength === 0 ? `at most ${maxLength}` : `${minLength} to ${maxLength}`;
    return userError('INVALID_INPUT', field, `${label} must be ${range} characters long after trimming; it is ${trimmed.length}.`);
  }
  if (singleLineControls.test(trimmed)) {
    return userError('INVALID_INPUT', field, `${label} must not contain line breaks or other control characters.`);
  }
  return trimmed;
}

/** Checks free text such as a description: its length, and no control characters but tabs and line breaks. */
export function checkMultiLineText(value: string, field: string[], label: string, maxLength: number): string | UserError {
  if (value.length > maxLength) {
    return userError('INVALID_INPUT', field, `${label} must be at most ${maxLength} characters long; it is ${value.length}.`);
  }
  if (multiLineControls.test(value)) {
    return userError('INVALID_INPUT', field, `${label} must not contain control characters other than tabs and line breaks.`);
  }
  return value;
}

// The dot-atom form of RFC 5322, with letters and digits of any script (RFC 6531): no quoted
// local parts, comments, display names or lists, so every mail library reads the address as
// exactly this one mailbox. Invisible and direction-changing characters are not letters.
const emailPattern = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*@[\p{L}\p{N}]([\p{L}\p{N}-]*[\p{L}\p{N}])?(\.[\p{L}\p{N}]([\p{L}\p{N}-]*[\p{L}\p{N}])?)+$/u;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Checks an e-mail address and returns it normalized (trimmed, lower-cased), or a user error. */
export function checkEmail(email: string, field: string[]): string | UserError {
  const normalized = normalizeEmail(email);
  if (normalized.length > 254 || !emailPattern.test(normalized) || singleLineControls.test(normalized)) {
    return userError('INVALID_INPUT', field, `E-mail address ${JSON.stringify(email.slice(0, 100))} is not valid; use the form name@example.com.`);
  }
  return normalized;
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
