// Parsers for the forms of value an OVF property can hold. Each returns the parsed value or a
// reason in words (`must be an IPv4 address such as 192.168.1.10`); the caller adds the
// property name. A reason never repeats the value, so it is safe for secrets too.
import { isIP, isIPv4 } from 'node:net';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

const dnsLabel = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** A host name: one label (`router01`) or a fully qualified name (`router01.example.com`). */
export function parseHostName(text: string): Parsed<string> {
  const labels = text.split('.');
  if (text.length > 253 || !labels.every((label) => dnsLabel.test(label))) {
    return fail('must be a host name of letters, digits and hyphens, such as router01');
  }
  return ok(text);
}

export function parseDomain(text: string): Parsed<string> {
  const parsed = parseHostName(text);
  return parsed.ok ? parsed : fail('must be a DNS domain such as example.com');
}

export function parseIPv4(text: string): Parsed<string> {
  return isIPv4(text) ? ok(text) : fail('must be an IPv4 address such as 192.168.1.10');
}

/**
 * A prefix length as the wizard offers it (`24 (255.255.255.0)`), or typed by hand as `24`,
 * `/24` or `255.255.255.0`.
 */
export function parseNetmask(text: string): Parsed<number> {
  const withMask = /^\/?(\d{1,2})(?:\s*\(\s*([0-9.]+)\s*\))?$/.exec(text);
  if (withMask !== null) {
    const prefix = Number(withMask[1]);
    if (prefix < 1 || prefix > 32) return fail('must be a prefix length from 1 to 32');
    if (withMask[2] !== undefined && maskToPrefix(withMask[2]) !== prefix) {
      return fail(`the prefix ${prefix} does not match the mask in brackets`);
    }
    return ok(prefix);
  }
  const prefix = maskToPrefix(text);
  if (prefix !== undefined && prefix >= 1) return ok(prefix);
  return fail('must be a prefix length such as 24 (255.255.255.0)');
}

function maskToPrefix(mask: string): number | undefined {
  if (!isIPv4(mask)) return undefined;
  const bits = mask
    .split('.')
    .map((octet) => Number(octet).toString(2).padStart(8, '0'))
    .join('');
  return /^1*0*$/.test(bits) ? (bits.indexOf('0') === -1 ? 32 : bits.indexOf('0')) : undefined;
}

/** Space or comma separated items, empty ones dropped. */
export function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((item) => item !== '');
}

export function parseAddressList(text: string): Parsed<string[]> {
  const items = splitList(text);
  const bad = items.filter((item) => isIP(item) === 0);
  if (bad.length > 0) return fail('must be IP addresses separated by spaces or commas');
  return ok(items);
}

export function parseServerList(text: string): Parsed<string[]> {
  const items = splitList(text);
  const bad = items.filter((item) => isIP(item) === 0 && !parseHostName(item).ok);
  if (bad.length > 0) return fail('must be host names or IP addresses separated by spaces');
  return ok(items);
}

/** vSphere sends booleans as `True`/`False`; people type yes, no, 1, 0. Empty: the default. */
export function parseBoolean(text: string, defaultValue: boolean): Parsed<boolean> {
  const word = text.trim().toLowerCase();
  if (word === '') return ok(defaultValue);
  if (['true', 'yes', '1', 'on'].includes(word)) return ok(true);
  if (['false', 'no', '0', 'off'].includes(word)) return ok(false);
  return fail('must be True or False');
}

/** A host or IP with an optional port; a pasted `https://host/sdk` is accepted too. */
export function parseVCenterServer(text: string): Parsed<string> {
  let hostAndPort = text;
  if (/^https:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return fail('must be a host name or IP address such as vc01.example.com');
    }
    if (url.username !== '' || url.password !== '') {
      return fail('must not contain a user name or password (use vcenter_username)');
    }
    hostAndPort = url.host;
  }
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]/]+)(?::(\d{1,5}))?$/.exec(hostAndPort);
  const host = match?.[1]?.replace(/^\[|\]$/g, '');
  const port = match?.[2] === undefined ? undefined : Number(match[2]);
  if (host === undefined || (isIP(host) === 0 && !parseHostName(host).ok)) {
    return fail('must be a host name or IP address such as vc01.example.com');
  }
  if (port !== undefined && (port < 1 || port > 65535)) return fail('has a port out of range');
  return ok(hostAndPort.toLowerCase());
}

/** The SHA-256 (or SHA-1) fingerprint of the vCenter certificate, colons optional. */
export function parseThumbprint(text: string): Parsed<string> {
  const hex = text.replace(/:/g, '');
  if (!/^[0-9A-Fa-f]+$/.test(hex) || (hex.length !== 64 && hex.length !== 40)) {
    return fail('must be a SHA-256 (or SHA-1) fingerprint in hex, colons optional');
  }
  return ok(text);
}

export type ProcessorKind = 'openfaas' | 'aws_event_bridge';

export function parseProcessorType(text: string): Parsed<ProcessorKind> {
  const word = text.toLowerCase().replace(/[\s_-]+/g, '');
  if (word === 'openfaas') return ok('openfaas');
  if (word === 'awseventbridge' || word === 'eventbridge') return ok('aws_event_bridge');
  return fail('must be OpenFaaS or AWS EventBridge');
}

export function parseAwsRegion(text: string): Parsed<string> {
  return /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(text)
    ? ok(text)
    : fail('must be an AWS region such as eu-central-1');
}

export function parseEventBridgeRuleArn(text: string): Parsed<string> {
  return /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:rule\/\S+$/.test(text)
    ? ok(text)
    : fail('must be an EventBridge rule ARN such as arn:aws:events:REGION:ACCOUNT:rule/NAME');
}

export function parseEventBusName(text: string): Parsed<string> {
  return /^[A-Za-z0-9._\-/:]{1,1600}$/.test(text)
    ? ok(text)
    : fail('must be an event bus name or ARN such as default');
}
