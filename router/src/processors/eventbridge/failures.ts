// What an EventBridge failure means for the events: worth another attempt, or rejected for
// good. A whole PutEvents call can fail (network, throttling, 5xx, credentials), or single
// entries of a call that went through (PutEventsResultEntry.ErrorCode).
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html
import type { DeliveryResult } from '../processor';

/** Entry error codes AWS documents as retryable; every other code is final. */
const retryableEntryCodes: ReadonlySet<string> = new Set([
  'InternalFailure',
  'InternalException',
  'ThrottlingException',
]);

const throttlingNames: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottledException',
  'SlowDown',
]);

/** The credentials are missing, wrong, expired or lack permission: the operator can fix it. */
const authNames: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'CredentialsProviderError',
  'ExpiredTokenException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'NotAuthorized',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
]);

/** What kind of trouble a failed call is; a lasting problem is logged once per kind. */
export type FailureCategory = 'auth' | 'unreachable' | 'throttled' | 'server' | 'no-such-bus';

export type CallFailure =
  /** Try the same entries again later; `auth` when the credentials are the problem. */
  | { kind: 'retry'; reason: string; auth: boolean; category: FailureCategory }
  /** EventBridge refused the request itself (a 4xx that is neither auth nor throttling). */
  | { kind: 'rejected'; reason: string };

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Classifies an error thrown by a PutEvents or DescribeRule call. `secrets` are replaced in
 * the reason wherever they appear, should a message ever echo one.
 */
export function classifyCallError(error: unknown, secrets: string[]): CallFailure {
  const shape = (error ?? {}) as SdkErrorShape;
  const name = shape.name ?? 'Error';
  const status = shape.$metadata?.httpStatusCode;
  const reason = describeError(error, secrets);
  const retry = (category: FailureCategory): CallFailure => ({
    kind: 'retry',
    reason,
    auth: category === 'auth',
    category,
  });
  if (authNames.has(name) || status === 401 || status === 403) return retry('auth');
  // No HTTP status: the request never got an answer (refused, reset, timed out).
  if (status === undefined) return retry('unreachable');
  if (throttlingNames.has(name) || status === 429) return retry('throttled');
  if (status >= 500 || shape.$fault === 'server') return retry('server');
  // A missing bus is configuration, not the events' fault: wait until it exists.
  if (name === 'ResourceNotFoundException') return retry('no-such-bus');
  return { kind: 'rejected', reason };
}

/** One failed entry of a PutEvents response. */
export function classifyEntryError(code: string, message: string | undefined): DeliveryResult {
  const reason = message ? `${code}: ${message}` : code;
  return retryableEntryCodes.has(code)
    ? { outcome: 'retry', reason: `PutEvents entry ${reason}` }
    : { outcome: 'dead', reason: `PutEvents entry rejected: ${reason}` };
}

/** `Name (HTTP 400): message` or `ECONNREFUSED: connect ...`, without secrets, bounded. */
export function describeError(error: unknown, secrets: string[]): string {
  const shape = (error ?? {}) as SdkErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  const name = shape.name ?? 'Error';
  const code = shape.code !== undefined && shape.code !== name ? shape.code : undefined;
  // A network error is best named by its code; the SDK calls a reset socket a TimeoutError.
  const label = code === undefined ? name : name === 'Error' ? code : `${name} (${code})`;
  const where = status === undefined ? '' : ` (HTTP ${status})`;
  const message = redact(shape.message ?? String(error), secrets).split('\n')[0];
  const text = `${label}${where}: ${message}`;
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

export function redact(text: string, secrets: string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret !== '') result = result.split(secret).join('[redacted]');
  }
  return result;
}
