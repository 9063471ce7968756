// Builds what a first-boot test needs: a temporary root with the router's system user, an OVF
// environment document as vSphere writes it, and a PATH whose system commands are stand-ins
// that record every call (test/appliance/stand-ins/).
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const routerUid = 4321;
export const standInsDir = resolve(__dirname, '../stand-ins');
export const recordedPrograms = ['chpasswd', 'systemctl', 'hostnamectl', 'ssh-keygen'];

export interface ApplianceRoot {
  dir: string;
  root: string;
  logDir: string;
  binDir: string;
  ovfEnvFile: string;
  /** PATH and stand-in settings for a child process or for this one. */
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

export function makeApplianceRoot(): ApplianceRoot {
  const dir = mkdtempSync(join(tmpdir(), 'appliance-setup-'));
  const root = join(dir, 'root');
  const logDir = join(dir, 'calls');
  const binDir = join(dir, 'bin');
  for (const folder of [join(root, 'etc'), logDir, binDir]) mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(root, 'etc/passwd'),
    `root:x:0:0:root:/root:/bin/bash\n` +
      `vmware-event-router:x:${routerUid}:${routerUid}::` +
      '/var/lib/vmware-event-router:/sbin/nologin\n',
  );
  for (const program of recordedPrograms) {
    symlinkSync(join(standInsDir, 'record-command'), join(binDir, program));
  }
  symlinkSync(join(standInsDir, 'vmtoolsd'), join(binDir, 'vmtoolsd'));
  const ovfEnvFile = join(dir, 'ovf-env.xml');
  const env = {
    ...process.env,
    PATH: `${binDir}:${process.env.PATH ?? ''}`,
    STANDIN_LOG_DIR: logDir,
    STANDIN_OVF_ENV: ovfEnvFile,
  };
  return {
    dir,
    root,
    logDir,
    binDir,
    ovfEnvFile,
    env,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Escapes an attribute value the way vSphere does, so every character survives. */
function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/** An OVF environment like the one vSphere hands a VM deployed from the OVA. */
export function ovfEnvironment(properties: Record<string, string>): string {
  const lines = Object.entries(properties).map(
    ([key, value]) =>
      `    <Property oe:key="guestinfo.${key}" oe:value="${escapeAttribute(value)}"/>`,
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Environment',
    '     xmlns="http://schemas.dmtf.org/ovf/environment/1"',
    '     xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    '     xmlns:oe="http://schemas.dmtf.org/ovf/environment/1"',
    '     xmlns:ve="http://www.vmware.com/schema/ovfenv"',
    '     oe:id=""',
    '     ve:vCenterId="vm-1042">',
    '   <PlatformSection>',
    '      <Kind>VMware ESXi</Kind>',
    '      <Version>8.0.3</Version>',
    '      <Vendor>VMware, Inc.</Vendor>',
    '      <Locale>en</Locale>',
    '   </PlatformSection>',
    '   <PropertySection>',
    ...lines,
    '   </PropertySection>',
    '   <ve:EthernetAdapterSection>',
    '      <ve:Adapter ve:mac="00:50:56:a1:b2:c3" ve:network="VM Network" ve:unitNumber="7"/>',
    '   </ve:EthernetAdapterSection>',
    '</Environment>',
    '',
  ].join('\n');
}

export interface RecordedCall {
  program: string;
  args: string[];
  stdin: string;
}

export function recordedCalls(appliance: ApplianceRoot): RecordedCall[] {
  const names = readdirSync(appliance.logDir).filter((name) => name.endsWith('.argv'));
  return names
    .map((name) => Number(name.split('.')[0]))
    .sort((a, b) => a - b)
    .map((n) => {
      const argv = readFileSync(join(appliance.logDir, `${n}.argv`), 'utf8').split('\0');
      argv.pop();
      const stdin = readFileSync(join(appliance.logDir, `${n}.stdin`), 'utf8');
      return { program: argv[0] ?? '', args: argv.slice(1), stdin };
    });
}

/** Every regular file under the root, relative path to content and mode. */
export function filesUnder(
  dir: string,
  prefix = '',
): { path: string; content: string; mode: number; uid: number }[] {
  const found: { path: string; content: string; mode: number; uid: number }[] = [];
  for (const name of readdirSync(join(dir, prefix))) {
    const relative = join(prefix, name);
    const stats = statSync(join(dir, relative));
    if (stats.isDirectory()) {
      found.push(...filesUnder(dir, relative));
    } else {
      const content = readFileSync(join(dir, relative), 'utf8');
      found.push({ path: `/${relative}`, content, mode: stats.mode & 0o777, uid: stats.uid });
    }
  }
  return found;
}

export function readUnder(appliance: ApplianceRoot, path: string): string {
  return readFileSync(join(appliance.root, path), 'utf8');
}

/** A complete set of properties for an OpenFaaS appliance on a static address. */
export function staticOpenFaasProperties(): Record<string, string> {
  return {
    hostname: 'router01',
    ipaddress: '192.168.10.20',
    netmask: '24 (255.255.255.0)',
    gateway: '192.168.10.1',
    dns: '192.168.10.2, 192.168.10.3',
    domain: 'corp.example.com',
    ntp: 'ntp1.example.com ntp2.example.com',
    http_proxy: '',
    https_proxy: '',
    proxy_username: '',
    proxy_password: '',
    no_proxy: '',
    root_password: 'Root-Passw0rd!',
    enable_ssh: 'True',
    vcenter_server: 'vc01.corp.example.com',
    vcenter_username: 'administrator@vsphere.local',
    vcenter_password: 'VMware1!',
    vcenter_disable_tls_verification: 'False',
    vcenter_thumbprint: '',
    event_processor_type: 'OpenFaaS',
    openfaas_password: 'OpenFaaS-Passw0rd',
    aws_eb_access_key: '',
    aws_eb_access_secret: '',
    aws_eb_event_bus: '',
    aws_eb_region: '',
    aws_eb_arn: '',
    debug: 'False',
  };
}

/** A complete set of properties for an EventBridge appliance on DHCP. */
export function dhcpEventBridgeProperties(): Record<string, string> {
  return {
    ...staticOpenFaasProperties(),
    ipaddress: '',
    netmask: '',
    gateway: '',
    dns: '',
    domain: '',
    enable_ssh: 'False',
    event_processor_type: 'AWS EventBridge',
    openfaas_password: '',
    aws_eb_access_key: 'AKIAIOSFODNN7EXAMPLE',
    aws_eb_access_secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    aws_eb_event_bus: 'vmware-events',
    aws_eb_region: 'eu-central-1',
    aws_eb_arn: 'arn:aws:events:eu-central-1:123456789012:rule/vmware-events/vm-changes',
    debug: 'True',
  };
}
