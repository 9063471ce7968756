// TLS towards vCenter. Verified against the system roots by default; `ca_file` adds roots,
// `thumbprint` pins the certificate instead, `insecure` turns verification off.
//
// A pin cannot be checked by Node's own verification (a pinned certificate is usually
// self-signed), so the agent below finishes the handshake, compares the fingerprint, and only
// then hands the socket to the HTTP client: no request (the Login carries the password) is
// written to a server whose certificate does not match.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

import type { TlsOptions } from '../config/types';

export class TlsPinMismatchError extends Error {
  readonly code = 'ERR_THUMBPRINT_MISMATCH';
  constructor(expected: string, actual: string) {
    super(`certificate thumbprint ${actual} does not match the configured thumbprint ${expected}`);
    this.name = 'TlsPinMismatchError';
  }
}

/** Colon-separated upper-case hex, the way vSphere shows thumbprints. */
export function formatThumbprint(hex: string): string {
  return (
    hex
      .replace(/[^0-9a-f]/gi, '')
      .toUpperCase()
      .match(/.{2}/g)
      ?.join(':') ?? ''
  );
}

/** The fingerprint of `certificate` in the same algorithm as the configured pin (by length). */
function fingerprintLike(pin: string, certificate: tls.PeerCertificate): string {
  const algorithm = pin.replace(/:/g, '').length === 40 ? 'sha1' : 'sha256';
  return formatThumbprint(createHash(algorithm).update(certificate.raw).digest('hex'));
}

class PinningAgent extends https.Agent {
  constructor(
    options: https.AgentOptions,
    private readonly pin: string,
  ) {
    super(options);
  }

  override createConnection(
    options: https.RequestOptions,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | undefined {
    const socket = tls.connect({
      ...(options as tls.ConnectionOptions),
      rejectUnauthorized: false,
    });
    const fail = (error: Error) => {
      socket.destroy();
      callback?.(error, socket);
    };
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      socket.removeListener('error', fail);
      const actual = fingerprintLike(this.pin, socket.getPeerCertificate(false));
      if (actual !== this.pin) {
        fail(new TlsPinMismatchError(this.pin, actual));
        return;
      }
      callback?.(null, socket);
    });
    // Returning undefined makes the HTTP agent wait for the callback above.
    return undefined;
  }
}

/** The HTTPS agent for one vCenter, with keep-alive so polling reuses one connection. */
export function vcenterHttpsAgent(options: TlsOptions): https.Agent {
  const common: https.AgentOptions = { keepAlive: true, maxSockets: 4 };
  if (options.thumbprint) {
    return new PinningAgent(common, formatThumbprint(options.thumbprint));
  }
  if (options.insecure) {
    return new https.Agent({ ...common, rejectUnauthorized: false });
  }
  const extraRoots = options.caFile ? [readFileSync(options.caFile, 'utf8')] : [];
  return new https.Agent({ ...common, ca: [...tls.rootCertificates, ...extraRoots] });
}

const tlsReasons: Record<string, string> = {
  ERR_THUMBPRINT_MISMATCH: 'certificate pin mismatch',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate signed by an unknown authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate signed by an unknown authority',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate (unknown authority)',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in chain (unknown authority)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate name mismatch',
  CERT_HAS_EXPIRED: 'certificate expired',
  CERT_NOT_YET_VALID: 'certificate not yet valid',
};

/**
 * Words for a TLS failure, or undefined when `error` is not one. The hint says which option
 * fixes it, so the operator need not guess.
 */
export function describeTlsError(error: unknown): string | undefined {
  const code = (error as { code?: string } | undefined)?.code;
  if (!code || !(code in tlsReasons)) return undefined;
  const detail = error instanceof Error ? error.message : String(error);
  const hint =
    code === 'ERR_THUMBPRINT_MISMATCH'
      ? 'the certificate changed; check it and update options.thumbprint'
      : 'trust it with options.ca_file or options.thumbprint, or set options.insecure';
  return `TLS: ${tlsReasons[code]} (${detail}); ${hint}`;
}
