// Errors from talking to vCenter, sorted into what the read loop does about them.
import { describeTlsError } from './tls';

/**
 * - `session`: the session is gone (NotAuthenticated: expired, vCenter restarted); log in again.
 * - `login`: the credentials were refused (InvalidLogin); retry slowly, the operator must act.
 * - `tls`: the certificate failed verification; retry slowly, the operator must act.
 * - `transient`: network errors, timeouts, HTTP 5xx, other faults; back off and retry.
 */
export type VcenterErrorKind = 'session' | 'login' | 'tls' | 'transient';

export class VcenterError extends Error {
  constructor(
    readonly kind: VcenterErrorKind,
    message: string,
    /** The vim25 fault type, when vCenter answered with a fault. */
    readonly faultType?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'VcenterError';
  }
}

const sessionFaults = new Set([
  'NotAuthenticated',
  'NotAuthenticatedFault',
  'ManagedObjectNotFound',
]);
const loginFaults = new Set(['InvalidLogin', 'InvalidLoginFault', 'NoPermission']);

export function kindOfFault(faultType: string): VcenterErrorKind {
  if (sessionFaults.has(faultType)) return 'session';
  if (loginFaults.has(faultType)) return 'login';
  return 'transient';
}

/** Turns a transport error (axios, socket, TLS) into a VcenterError with an operator's words. */
export function transportError(vcenter: string, operation: string, error: unknown): VcenterError {
  const tlsReason = describeTlsError(error);
  if (tlsReason)
    return new VcenterError('tls', `vCenter ${vcenter}: ${tlsReason}`, undefined, {
      cause: error,
    });
  const detail = describeTransportFailure(error);
  return new VcenterError(
    'transient',
    `vCenter ${vcenter}: ${operation} failed: ${detail}`,
    undefined,
    {
      cause: error,
    },
  );
}

function describeTransportFailure(error: unknown): string {
  const e = error as { code?: string; message?: string; response?: { status?: number } };
  if (e?.response?.status) return `HTTP ${e.response.status}`;
  if (e?.code === 'ECONNABORTED' || e?.code === 'ETIMEDOUT') return `timed out (${e.code})`;
  if (e?.code) return `${e.code}${e.message ? ` (${e.message})` : ''}`;
  return e?.message ?? String(error);
}
