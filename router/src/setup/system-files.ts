// The files the setup writes for the settings, as data: paths on the appliance, contents and
// modes. Rendering them all before writing any is what lets a bad property stop the setup with
// nothing changed. A `null` content removes a file a previous run wrote (a proxy taken away).
import { renderRouterConfig, openFaasAdminUser } from './router-config';
import type { ApplianceSettings, NetworkSettings } from './settings';
import type { ProxySettings } from './proxy';

export interface SystemFile {
  path: string;
  content: string | null;
  mode: number;
  /** The router's service user owns it (it must read it); otherwise root. */
  ownedByRouter?: boolean;
}

export const routerConfigPath = '/etc/vmware-event-router/config.json';
export const routerEnvironmentPath = '/etc/vmware-event-router/router.env';
export const proxyEnvironmentPath = '/etc/vmware-event-router/proxy.env';
export const networkFilePath = '/etc/systemd/network/10-vmware-event-router.network';
export const faasdSecretsDir = '/var/lib/faasd/secrets';
/** Services that reach the internet and so need the proxy: container image pulls. */
export const proxiedServices = ['containerd', 'faasd', 'faasd-provider'];
// Limitation: the router's unit loads proxy.env too, but the router itself turns proxies off
// (vcenter/client.ts, the OpenFaaS client) and the AWS SDK does not read these variables, so
// an appliance that reaches AWS EventBridge only through a proxy cannot deliver its events.

const writtenBy = '# Written by vmware-event-router-setup from the OVF properties.\n';

export function renderSystemFiles(settings: ApplianceSettings): SystemFile[] {
  const files: SystemFile[] = [
    ...networkFiles(settings.network),
    ...proxyFiles(settings.proxy),
    {
      path: routerConfigPath,
      content: renderRouterConfig(settings),
      mode: 0o600,
      ownedByRouter: true,
    },
    {
      path: routerEnvironmentPath,
      content: `${writtenBy}VMWARE_EVENT_ROUTER_LOG_LEVEL=${settings.debug ? 'debug' : 'info'}\n`,
      mode: 0o644,
    },
  ];
  if (settings.processor.kind === 'openfaas') {
    // faasd's gateway reads the admin credentials from these files (and trims them).
    files.push(
      { path: `${faasdSecretsDir}/basic-auth-user`, content: openFaasAdminUser, mode: 0o600 },
      {
        path: `${faasdSecretsDir}/basic-auth-password`,
        content: settings.processor.adminPassword,
        mode: 0o600,
      },
    );
  }
  return files;
}

function networkFiles(network: NetworkSettings): SystemFile[] {
  // A host name with dots is already fully qualified; the domain is not added twice.
  const qualified = network.hostname.includes('.') || network.domain === undefined;
  const fqdn = qualified ? network.hostname : `${network.hostname}.${network.domain}`;
  const shortName = network.hostname.split('.')[0];
  const names = fqdn === shortName ? shortName : `${fqdn} ${shortName}`;
  const ownAddress =
    network.addressing.kind === 'static' ? network.addressing.address : '127.0.1.1';
  const hosts =
    `${writtenBy}127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n` +
    `${ownAddress}\t${names}\n`;

  const lines = ['[Match]', 'Name=e*', '', '[Network]'];
  if (network.addressing.kind === 'dhcp') {
    lines.push('DHCP=ipv4');
  } else {
    lines.push(`Address=${network.addressing.address}/${network.addressing.prefixLength}`);
    lines.push(`Gateway=${network.addressing.gateway}`);
  }
  lines.push(...network.dns.map((server) => `DNS=${server}`));
  if (network.domain !== undefined) lines.push(`Domains=${network.domain}`);

  const ntp =
    network.ntp.length === 0 ? null : `${writtenBy}[Time]\nNTP=${network.ntp.join(' ')}\n`;
  return [
    { path: '/etc/hostname', content: `${network.hostname}\n`, mode: 0o644 },
    { path: '/etc/hosts', content: hosts, mode: 0o644 },
    { path: networkFilePath, content: `${writtenBy}${lines.join('\n')}\n`, mode: 0o644 },
    {
      path: '/etc/systemd/timesyncd.conf.d/10-vmware-event-router.conf',
      content: ntp,
      mode: 0o644,
    },
  ];
}

/** Proxy URLs hold credentials, so every file naming them is readable by root only. */
function proxyFiles(proxy: ProxySettings): SystemFile[] {
  const enabled = proxy.httpProxy !== undefined || proxy.httpsProxy !== undefined;
  const noProxy = proxy.noProxy.join(',');
  const variables: [string, string | undefined][] = [
    ['http_proxy', proxy.httpProxy],
    ['https_proxy', proxy.httpsProxy],
    ['no_proxy', noProxy],
  ];
  const environment = variables
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .flatMap(([name, value]) => [`${name}="${value}"`, `${name.toUpperCase()}="${value}"`])
    .join('\n');
  // Photon OS's own proxy settings file, for the tools that look there; root's only.
  const sysconfig =
    `${writtenBy}PROXY_ENABLED="${enabled ? 'yes' : 'no'}"\n` +
    `HTTP_PROXY="${proxy.httpProxy ?? ''}"\nHTTPS_PROXY="${proxy.httpsProxy ?? ''}"\n` +
    `NO_PROXY="${noProxy}"\n`;
  const dropIn = `${writtenBy}[Service]\nEnvironmentFile=${proxyEnvironmentPath}\n`;
  return [
    { path: '/etc/sysconfig/proxy', content: sysconfig, mode: 0o600 },
    {
      path: proxyEnvironmentPath,
      content: enabled ? `${writtenBy}${environment}\n` : null,
      mode: 0o600,
    },
    ...proxiedServices.map((service) => ({
      path: `/etc/systemd/system/${service}.service.d/10-proxy.conf`,
      content: enabled ? dropIn : null,
      mode: 0o644,
    })),
  ];
}
