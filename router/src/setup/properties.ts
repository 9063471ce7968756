// The OVF properties the appliance reads at first boot. The keys are the original appliance's,
// so deployment scripts written for it (`ovftool --prop:guestinfo.hostname=...`) keep working;
// vcenter_thumbprint is ours. appliance/ovf/ declares each of them, and a test checks that the
// two lists agree and that the setup reads every key it declares.

export const ovfPropertyKeys = [
  'guestinfo.hostname',
  'guestinfo.ipaddress',
  'guestinfo.netmask',
  'guestinfo.gateway',
  'guestinfo.dns',
  'guestinfo.domain',
  'guestinfo.ntp',
  'guestinfo.http_proxy',
  'guestinfo.https_proxy',
  'guestinfo.proxy_username',
  'guestinfo.proxy_password',
  'guestinfo.no_proxy',
  'guestinfo.root_password',
  'guestinfo.enable_ssh',
  'guestinfo.vcenter_server',
  'guestinfo.vcenter_username',
  'guestinfo.vcenter_password',
  'guestinfo.vcenter_disable_tls_verification',
  'guestinfo.vcenter_thumbprint',
  'guestinfo.event_processor_type',
  'guestinfo.openfaas_password',
  'guestinfo.aws_eb_access_key',
  'guestinfo.aws_eb_access_secret',
  'guestinfo.aws_eb_event_bus',
  'guestinfo.aws_eb_region',
  'guestinfo.aws_eb_arn',
  'guestinfo.debug',
] as const;

export type OvfPropertyKey = (typeof ovfPropertyKeys)[number];

/** Properties whose values are secrets: never logged, never in a message, never in argv. */
export const secretPropertyKeys: ReadonlySet<OvfPropertyKey> = new Set<OvfPropertyKey>([
  'guestinfo.proxy_password',
  'guestinfo.root_password',
  'guestinfo.vcenter_password',
  'guestinfo.openfaas_password',
  'guestinfo.aws_eb_access_secret',
]);

/** The property name as an operator sees it in the vSphere wizard's messages. */
export function shortName(key: OvfPropertyKey): string {
  return key.slice('guestinfo.'.length);
}

/**
 * The values of one OVF environment. Every read is remembered, so a test can prove that the
 * setup reads each declared property (a declared but unread one would be silently ignored).
 */
export class OvfProperties {
  private readonly values: ReadonlyMap<string, string>;
  private readonly readKeys = new Set<OvfPropertyKey>();

  constructor(values: ReadonlyMap<string, string>) {
    this.values = values;
  }

  /** The value exactly as typed; '' when the property is empty or absent. */
  get(key: OvfPropertyKey): string {
    this.readKeys.add(key);
    return this.values.get(key) ?? '';
  }

  keysRead(): OvfPropertyKey[] {
    return [...this.readKeys];
  }
}
