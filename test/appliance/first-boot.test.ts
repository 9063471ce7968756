// First boot in a temporary root: the setup reads an OVF environment (from a file, or from the
// vmtoolsd stand-in), and the system commands it runs are stand-ins that record their
// arguments and standard input. Files are real files, checked byte for byte.
import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runSetup, type SetupOptions } from '../../router/src/setup/run-setup';
import {
  dhcpEventBridgeProperties,
  makeApplianceRoot,
  ovfEnvironment,
  readUnder,
  recordedCalls,
  routerUid,
  staticOpenFaasProperties,
  type ApplianceRoot,
} from './support/appliance-root';

const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });

describe('first-boot setup', () => {
  let appliance: ApplianceRoot;

  beforeEach(() => {
    appliance = makeApplianceRoot();
  });
  afterEach(() => appliance.cleanup());

  function setup(properties: Record<string, string>, options: Partial<SetupOptions> = {}) {
    writeFileSync(appliance.ovfEnvFile, ovfEnvironment(properties));
    return runSetup({
      root: appliance.root,
      ovfEnvFile: appliance.ovfEnvFile,
      runLiveCommands: true,
      env: appliance.env,
      echo: quiet,
      now: () => new Date('2026-12-03T09:00:00.000Z'),
      ...options,
    });
  }

  const routerConfig = () =>
    JSON.parse(readUnder(appliance, 'etc/vmware-event-router/config.json')) as Record<
      string,
      unknown
    >[];

  describe('a static address with OpenFaaS', () => {
    beforeEach(() => {
      assert.equal(setup(staticOpenFaasProperties()), 0);
    });

    it('writes a systemd-networkd file with the address, gateway, DNS servers and domain', () => {
      assert.equal(
        readUnder(appliance, 'etc/systemd/network/10-vmware-event-router.network'),
        '# Written by vmware-event-router-setup from the OVF properties.\n' +
          '[Match]\nName=e*\n\n[Network]\nAddress=192.168.10.20/24\nGateway=192.168.10.1\n' +
          'DNS=192.168.10.2\nDNS=192.168.10.3\nDomains=corp.example.com\n',
      );
    });

    it('sets the host name, its address in /etc/hosts, and the NTP servers', () => {
      assert.equal(readUnder(appliance, 'etc/hostname'), 'router01\n');
      assert.match(
        readUnder(appliance, 'etc/hosts'),
        /^192\.168\.10\.20\trouter01\.corp\.example\.com router01$/m,
      );
      assert.equal(
        readUnder(appliance, 'etc/systemd/timesyncd.conf.d/10-vmware-event-router.conf'),
        '# Written by vmware-event-router-setup from the OVF properties.\n' +
          '[Time]\nNTP=ntp1.example.com ntp2.example.com\n',
      );
      const hostnamectl = recordedCalls(appliance).find((c) => c.program === 'hostnamectl');
      assert.deepEqual(hostnamectl?.args, ['set-hostname', 'router01']);
    });

    it("points the router at the appliance's own gateway with the admin password", () => {
      assert.deepEqual(routerConfig(), [
        {
          type: 'stream',
          provider: 'vmware_vcenter',
          address: 'https://vc01.corp.example.com/sdk',
          auth: {
            method: 'user_password',
            secret: { username: 'administrator@vsphere.local', password: 'VMware1!' },
          },
          options: { insecure: false },
        },
        {
          type: 'processor',
          provider: 'openfaas',
          address: 'http://127.0.0.1:8080',
          auth: {
            method: 'basic_auth',
            secret: { username: 'admin', password: 'OpenFaaS-Passw0rd' },
          },
          options: { async: false },
        },
        {
          type: 'metrics',
          provider: 'internal',
          address: '0.0.0.0:8082',
          auth: {
            method: 'basic_auth',
            secret: { username: 'admin', password: 'OpenFaaS-Passw0rd' },
          },
        },
      ]);
    });

    it('makes the router config readable by the router user alone', () => {
      const stats = statSync(join(appliance.root, 'etc/vmware-event-router/config.json'));
      assert.equal(stats.mode & 0o777, 0o600);
      assert.equal(stats.uid, routerUid);
    });

    it("writes faasd's admin credentials to its secret files, readable by root alone", () => {
      for (const [name, content] of [
        ['basic-auth-user', 'admin'],
        ['basic-auth-password', 'OpenFaaS-Passw0rd'],
      ]) {
        const path = join('var/lib/faasd/secrets', name);
        assert.equal(readUnder(appliance, path), content);
        assert.equal(statSync(join(appliance.root, path)).mode & 0o777, 0o600);
        assert.equal(statSync(join(appliance.root, path)).uid, 0);
      }
    });

    it('sets the root password through chpasswd on standard input', () => {
      const chpasswd = recordedCalls(appliance).filter((c) => c.program === 'chpasswd');
      assert.deepEqual(chpasswd, [
        { program: 'chpasswd', args: ['--root', appliance.root], stdin: 'root:Root-Passw0rd!\n' },
      ]);
    });

    it('enables and starts SSH, faasd and the router', () => {
      const systemctl = recordedCalls(appliance)
        .filter((c) => c.program === 'systemctl')
        .map((c) => c.args.join(' '));
      const rootOption = `--root=${appliance.root}`;
      for (const expected of [
        `${rootOption} enable sshd.service`,
        `${rootOption} enable containerd.service faasd-provider.service faasd.service`,
        `${rootOption} enable vmware-event-router.service`,
        'daemon-reload',
        'start --no-block sshd.service',
        'restart --no-block containerd.service faasd-provider.service faasd.service',
        'restart --no-block vmware-event-router.service',
      ]) {
        assert.ok(systemctl.includes(expected), `missing: systemctl ${expected}`);
      }
      assert.ok(
        systemctl.indexOf('daemon-reload') <
          systemctl.indexOf('restart --no-block vmware-event-router.service'),
      );
    });

    it('writes no proxy settings when no proxy is given', () => {
      assert.equal(existsSync(join(appliance.root, 'etc/vmware-event-router/proxy.env')), false);
      assert.match(readUnder(appliance, 'etc/sysconfig/proxy'), /^PROXY_ENABLED="no"$/m);
    });

    it('marks the setup done and says so on the console banner', () => {
      assert.ok(existsSync(join(appliance.root, 'var/lib/vmware-event-router-setup/done')));
      const banner = readUnder(appliance, 'etc/issue.d/vmware-event-router.issue');
      assert.match(banner, /setup completed 2026-12-03T09:00:00\.000Z/);
      assert.match(banner, /address: 192\.168\.10\.20\/24/);
      assert.match(banner, /SSH: enabled/);
    });
  });

  describe('DHCP with AWS EventBridge', () => {
    beforeEach(() => {
      assert.equal(setup(dhcpEventBridgeProperties()), 0);
    });

    it('asks for an address by DHCP', () => {
      assert.equal(
        readUnder(appliance, 'etc/systemd/network/10-vmware-event-router.network'),
        '# Written by vmware-event-router-setup from the OVF properties.\n' +
          '[Match]\nName=e*\n\n[Network]\nDHCP=ipv4\n',
      );
      assert.match(readUnder(appliance, 'etc/hosts'), /^127\.0\.1\.1\trouter01$/m);
    });

    it('configures the EventBridge processor with the access key and loopback metrics', () => {
      const [stream, processor, metrics] = routerConfig();
      assert.equal(stream?.address, 'https://vc01.corp.example.com/sdk');
      assert.deepEqual(processor, {
        type: 'processor',
        provider: 'aws_event_bridge',
        auth: {
          method: 'access_key',
          secret: {
            aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE',
            aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
          },
        },
        options: {
          aws_region: 'eu-central-1',
          aws_eventbridge_event_bus: 'vmware-events',
          aws_eventbridge_rule_arn:
            'arn:aws:events:eu-central-1:123456789012:rule/vmware-events/vm-changes',
        },
      });
      assert.deepEqual(metrics, {
        type: 'metrics',
        provider: 'internal',
        address: '127.0.0.1:8082',
        auth: { method: 'none' },
      });
    });

    it('turns SSH and faasd off and writes no OpenFaaS secret', () => {
      const systemctl = recordedCalls(appliance)
        .filter((c) => c.program === 'systemctl')
        .map((c) => c.args.join(' '));
      const rootOption = `--root=${appliance.root}`;
      assert.ok(systemctl.includes(`${rootOption} disable sshd.service`));
      assert.ok(systemctl.includes('stop --no-block sshd.service'));
      assert.ok(
        systemctl.includes(
          `${rootOption} disable containerd.service faasd-provider.service faasd.service`,
        ),
      );
      assert.equal(existsSync(join(appliance.root, 'var/lib/faasd/secrets')), false);
    });

    it('turns on debug logging for the router', () => {
      assert.match(
        readUnder(appliance, 'etc/vmware-event-router/router.env'),
        /^VMWARE_EVENT_ROUTER_LOG_LEVEL=debug$/m,
      );
    });
  });

  it('leaves live commands out with --root unless asked: a test cannot change the host', () => {
    assert.equal(setup(staticOpenFaasProperties(), { runLiveCommands: false }), 0);
    const programs = recordedCalls(appliance).map((c) => `${c.program} ${c.args[0] ?? ''}`);
    assert.ok(!programs.some((p) => p.startsWith('hostnamectl')));
    assert.ok(programs.every((p) => !p.startsWith('systemctl') || p.includes('--root=')));
    assert.match(
      readUnder(appliance, 'var/log/vmware-event-router-setup.log'),
      /skipped hostnamectl set-hostname router01/,
    );
  });

  it('gives every file its own mode whatever the umask (the unit runs with 0077)', () => {
    const umask = process.umask(0o077);
    try {
      assert.equal(setup(staticOpenFaasProperties()), 0);
    } finally {
      process.umask(umask);
    }
    const mode = (path: string) => statSync(join(appliance.root, path)).mode & 0o777;
    assert.equal(mode('etc/hosts'), 0o644);
    assert.equal(mode('etc/systemd/network'), 0o755);
    assert.equal(mode('etc/systemd/network/10-vmware-event-router.network'), 0o644);
    assert.equal(mode('etc/issue.d/vmware-event-router.issue'), 0o644);
    assert.equal(mode('etc/vmware-event-router/config.json'), 0o600);
  });

  it('does not add the domain twice to a fully qualified host name', () => {
    const properties = { ...staticOpenFaasProperties(), hostname: 'router01.corp.example.com' };
    assert.equal(setup(properties), 0);
    assert.match(
      readUnder(appliance, 'etc/hosts'),
      /^192\.168\.10\.20\trouter01\.corp\.example\.com router01$/m,
    );
  });

  it('removes the proxy settings of an earlier run when the proxy is taken away', () => {
    const withProxy = { ...staticOpenFaasProperties(), http_proxy: 'http://proxy.corp:3128' };
    assert.equal(setup(withProxy), 0);
    const dropIn = 'etc/systemd/system/faasd.service.d/10-proxy.conf';
    assert.ok(existsSync(join(appliance.root, dropIn)));
    assert.equal(setup(staticOpenFaasProperties()), 0);
    assert.equal(existsSync(join(appliance.root, dropIn)), false);
    assert.equal(existsSync(join(appliance.root, 'etc/vmware-event-router/proxy.env')), false);
  });

  it('keeps a copy of a router config edited since the last run before replacing it', () => {
    assert.equal(setup(staticOpenFaasProperties()), 0);
    const configPath = join(appliance.root, 'etc/vmware-event-router/config.json');
    writeFileSync(configPath, '[{"edited": "by hand"}]\n');
    assert.equal(setup(staticOpenFaasProperties()), 0);
    const copy = `${configPath}.2026-12-03T090000000Z.bak`;
    assert.equal(
      readUnder(appliance, copy.slice(appliance.root.length + 1)),
      '[{"edited": "by hand"}]\n',
    );
    assert.equal(statSync(copy).mode & 0o777, 0o600);
  });
});
