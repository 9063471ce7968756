// Turns the OVF properties into the appliance's settings, checking all of them first: one
// problem per bad or missing property, all reported together, before anything is written.
import {
  parseAddressList,
  parseAwsRegion,
  parseBoolean,
  parseDomain,
  parseEventBridgeRuleArn,
  parseEventBusName,
  parseHostName,
  parseIPv4,
  parseNetmask,
  parseProcessorType,
  parseServerList,
  parseThumbprint,
  parseVCenterServer,
  type Parsed,
} from './fields';
import { SetupInputError } from './problems';
import { type OvfProperties, type OvfPropertyKey, shortName } from './properties';
import {
  parseNoProxy,
  parseProxyUrl,
  trimPasted,
  withCredentials,
  type ProxySettings,
} from './proxy';

export type Addressing =
  { kind: 'dhcp' } | { kind: 'static'; address: string; prefixLength: number; gateway: string };

export interface NetworkSettings {
  hostname: string;
  domain?: string;
  addressing: Addressing;
  dns: string[];
  ntp: string[];
}

export interface VCenterSettings {
  /** https://host/sdk */
  address: string;
  username: string;
  password: string;
  insecure: boolean;
  thumbprint?: string;
}

export type ProcessorSettings =
  | { kind: 'openfaas'; adminPassword: string }
  | {
      kind: 'aws_event_bridge';
      accessKeyId: string;
      secretAccessKey: string;
      eventBus: string;
      region: string;
      ruleArn: string;
    };

export interface ApplianceSettings {
  network: NetworkSettings;
  proxy: ProxySettings;
  rootPassword: string;
  sshEnabled: boolean;
  vcenter: VCenterSettings;
  processor: ProcessorSettings;
  debug: boolean;
}

/** Collects problems while reading; `value` returns undefined for a bad field. */
class Reader {
  readonly problems: string[] = [];

  constructor(private readonly properties: OvfProperties) {}

  raw(key: OvfPropertyKey): string {
    return this.properties.get(key);
  }

  /** Trimmed text; a problem when required and empty. */
  text(key: OvfPropertyKey, required: boolean, why = ''): string {
    const value = this.raw(key).trim();
    if (value === '' && required) this.problems.push(`${shortName(key)}: is required${why}`);
    return value;
  }

  /** A secret exactly as typed (spaces kept); a problem when required and empty. */
  secret(key: OvfPropertyKey, required: boolean, why = ''): string {
    const value = this.raw(key);
    if (value === '' && required) this.problems.push(`${shortName(key)}: is required${why}`);
    return value;
  }

  check<T>(key: OvfPropertyKey, parsed: Parsed<T>): T | undefined {
    if (parsed.ok) return parsed.value;
    this.problems.push(`${shortName(key)}: ${parsed.reason}`);
    return undefined;
  }

  /** Parses a non-empty text; undefined when empty or bad. */
  parse<T>(
    key: OvfPropertyKey,
    required: boolean,
    parser: (text: string) => Parsed<T>,
    why = '',
  ): T | undefined {
    const value = this.text(key, required, why);
    return value === '' ? undefined : this.check(key, parser(value));
  }

  fail(key: OvfPropertyKey, reason: string): void {
    this.problems.push(`${shortName(key)}: ${reason}`);
  }
}

/** Reads and checks every property; throws SetupInputError listing every problem. */
export function readApplianceSettings(properties: OvfProperties): ApplianceSettings {
  const reader = new Reader(properties);
  const network = readNetwork(reader);
  const proxy = readProxy(reader);
  const rootPassword = readRootPassword(reader);
  const sshEnabled = reader.check(
    'guestinfo.enable_ssh',
    parseBoolean(reader.raw('guestinfo.enable_ssh'), false),
  );
  const vcenter = readVCenter(reader);
  const processor = readProcessor(reader);
  const debug = reader.check(
    'guestinfo.debug',
    parseBoolean(reader.raw('guestinfo.debug'), false),
  );

  if (reader.problems.length > 0) throw new SetupInputError(reader.problems);
  // Every field is set when no problem was recorded; the casts only tell the compiler so.
  return {
    network: network as NetworkSettings,
    proxy: proxy as ProxySettings,
    rootPassword,
    sshEnabled: sshEnabled as boolean,
    vcenter: vcenter as VCenterSettings,
    processor: processor as ProcessorSettings,
    debug: debug as boolean,
  };
}

function readNetwork(reader: Reader): Partial<NetworkSettings> {
  const hostname = reader.parse('guestinfo.hostname', true, parseHostName);
  const domain = reader.parse('guestinfo.domain', false, parseDomain);
  const address = reader.parse('guestinfo.ipaddress', false, parseIPv4);
  const isStatic = reader.text('guestinfo.ipaddress', false) !== '';
  const staticWhy = ' when ipaddress is set (leave ipaddress empty for DHCP)';
  const prefixLength = reader.parse('guestinfo.netmask', isStatic, parseNetmask, staticWhy);
  const gateway = reader.parse('guestinfo.gateway', isStatic, parseIPv4, staticWhy);
  const dns = reader.parse('guestinfo.dns', isStatic, parseAddressList, staticWhy) ?? [];
  const ntp = reader.parse('guestinfo.ntp', false, parseServerList) ?? [];
  const addressing: Addressing | undefined = !isStatic
    ? { kind: 'dhcp' }
    : address !== undefined && prefixLength !== undefined && gateway !== undefined
      ? { kind: 'static', address, prefixLength, gateway }
      : undefined;
  return { hostname, domain, addressing, dns, ntp };
}

function readProxy(reader: Reader): ProxySettings | undefined {
  const proxyKeys = ['guestinfo.http_proxy', 'guestinfo.https_proxy'] as const;
  const [httpProxy, httpsProxy] = proxyKeys.map((key) => {
    const pasted = trimPasted(reader.raw(key));
    return pasted === '' ? undefined : reader.check(key, parseProxyUrl(pasted));
  });
  const username = trimPasted(reader.raw('guestinfo.proxy_username'));
  const password = reader.raw('guestinfo.proxy_password');
  const noProxy = reader.check(
    'guestinfo.no_proxy',
    parseNoProxy(reader.raw('guestinfo.no_proxy')),
  );
  const anyProxyTyped = proxyKeys.some((key) => trimPasted(reader.raw(key)) !== '');
  if (password !== '' && username === '') {
    reader.fail('guestinfo.proxy_username', 'is required when proxy_password is set');
  }
  if (username !== '' && !anyProxyTyped) {
    reader.fail('guestinfo.http_proxy', 'is required when proxy_username is set');
  }
  if (noProxy === undefined) return undefined;
  const credentials = (proxy: string | undefined) =>
    proxy === undefined ? undefined : withCredentials(proxy, username, password);
  return {
    httpProxy: credentials(httpProxy),
    httpsProxy: credentials(httpsProxy),
    noProxy,
    hasCredentials: username !== '',
  };
}

function readRootPassword(reader: Reader): string {
  const password = reader.secret(
    'guestinfo.root_password',
    true,
    ' (it is the only way to log in to the appliance)',
  );
  // chpasswd reads one `user:password` line, so a line break would cut the password short.
  if (/[\r\n\0]/.test(password)) {
    reader.fail('guestinfo.root_password', 'must not contain a line break');
  }
  return password;
}

function readVCenter(reader: Reader): Partial<VCenterSettings> {
  const server = reader.parse('guestinfo.vcenter_server', true, parseVCenterServer);
  const username = reader.secret('guestinfo.vcenter_username', true);
  const password = reader.secret('guestinfo.vcenter_password', true);
  const insecure = reader.check(
    'guestinfo.vcenter_disable_tls_verification',
    parseBoolean(reader.raw('guestinfo.vcenter_disable_tls_verification'), false),
  );
  const thumbprint = reader.parse('guestinfo.vcenter_thumbprint', false, parseThumbprint);
  if (insecure === true && thumbprint !== undefined) {
    // The router refuses the pair: an unchecked certificate would make the fingerprint moot.
    reader.fail(
      'guestinfo.vcenter_thumbprint',
      'cannot be used with vcenter_disable_tls_verification; leave one of them off',
    );
  }
  const address = server === undefined ? undefined : `https://${server}/sdk`;
  return { address, username, password, insecure, thumbprint };
}

function readProcessor(reader: Reader): ProcessorSettings | undefined {
  const kind = reader.parse('guestinfo.event_processor_type', true, parseProcessorType);
  // The other processor's properties are still read, so a test can see every key is used.
  const adminPassword = reader.secret(
    'guestinfo.openfaas_password',
    kind === 'openfaas',
    ' when event_processor_type is OpenFaaS',
  );
  if (kind === 'openfaas' && adminPassword !== adminPassword.trim()) {
    // The gateway trims its basic-auth-password file, so the router would not match it.
    reader.fail('guestinfo.openfaas_password', 'must not begin or end with a space');
  }
  const needed = kind === 'aws_event_bridge';
  const why = ' when event_processor_type is AWS EventBridge';
  const accessKeyId = reader.text('guestinfo.aws_eb_access_key', needed, why);
  const secretAccessKey = reader.secret('guestinfo.aws_eb_access_secret', needed, why);
  const eventBus = reader.parse('guestinfo.aws_eb_event_bus', needed, parseEventBusName, why);
  const region = reader.parse('guestinfo.aws_eb_region', needed, parseAwsRegion, why);
  const ruleArn = reader.parse('guestinfo.aws_eb_arn', needed, parseEventBridgeRuleArn, why);
  if (kind === 'openfaas') return { kind, adminPassword };
  if (kind === undefined || eventBus === undefined || region === undefined) return undefined;
  if (ruleArn === undefined) return undefined;
  return { kind, accessKeyId, secretAccessKey, eventBus, region, ruleArn };
}
