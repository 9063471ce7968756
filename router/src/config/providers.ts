// What each (type, provider) pair accepts besides its options: address, auth methods and
// their secrets. The schema generator and the messages both read this table.
import {
  eventBridgeOptions,
  openFaasOptions,
  stdoutOptions,
  vcenterOptions,
  type OptionTable,
} from './options';

export type EntryType = 'stream' | 'processor' | 'metrics';

export type AddressKind =
  { kind: 'url'; example: string } | { kind: 'host-port'; example: string } | { kind: 'none' };

export interface ProviderSpec {
  type: EntryType;
  provider: string;
  address: AddressKind;
  /** auth.method -> the fields its secret must hold; an empty list means no secret at all. */
  authMethods: Record<string, string[]>;
  /** The method assumed when `auth` is left out; undefined: `auth` is required. */
  defaultAuthMethod?: string;
  options: OptionTable;
}

export const entryTypes: EntryType[] = ['stream', 'processor', 'metrics'];

/** Fields an entry may have at all; which of them a provider takes is in its spec. */
export const entryFields = ['type', 'provider', 'name', 'address', 'auth', 'options'];

/** Secret fields whose values are never shown, even masked. */
export const secretFields = ['password', 'aws_secret_access_key'];

const userPassword = ['username', 'password'];

const metricsSpec = (provider: string): ProviderSpec => ({
  type: 'metrics',
  provider,
  address: { kind: 'host-port', example: '127.0.0.1:8082' },
  authMethods: { none: [], basic_auth: userPassword },
  defaultAuthMethod: 'none',
  options: {},
});

export const providerSpecs: ProviderSpec[] = [
  {
    type: 'stream',
    provider: 'vmware_vcenter',
    address: { kind: 'url', example: 'https://vc01.example.com/sdk' },
    authMethods: { user_password: userPassword },
    options: vcenterOptions,
  },
  {
    type: 'processor',
    provider: 'stdout',
    address: { kind: 'none' },
    authMethods: { none: [] },
    defaultAuthMethod: 'none',
    options: stdoutOptions,
  },
  {
    type: 'processor',
    provider: 'openfaas',
    address: { kind: 'url', example: 'http://127.0.0.1:8080' },
    authMethods: { basic_auth: userPassword, none: [] },
    defaultAuthMethod: 'none',
    options: openFaasOptions,
  },
  {
    type: 'processor',
    provider: 'aws_event_bridge',
    address: { kind: 'none' },
    authMethods: {
      access_key: ['aws_access_key_id', 'aws_secret_access_key'],
      aws_iam_role: [],
    },
    options: eventBridgeOptions,
  },
  // `default` is what some original files called the internal metrics server.
  metricsSpec('internal'),
  metricsSpec('default'),
];

export function providersOf(type: EntryType): string[] {
  return providerSpecs.filter((spec) => spec.type === type).map((spec) => spec.provider);
}

export function findProviderSpec(type: unknown, provider: unknown): ProviderSpec | undefined {
  return providerSpecs.find((spec) => spec.type === type && spec.provider === provider);
}

/** The schema definition name of a provider, e.g. `processor_openfaas`. */
export function definitionName(spec: ProviderSpec): string {
  return `${spec.type}_${spec.provider}`;
}
