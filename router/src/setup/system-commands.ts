// The system commands the setup runs after writing its files, as data. They are looked up on
// PATH and spawned without a shell; a secret goes through stdin, never through argv (which
// every user can read in /proc). Commands that act on the running system are `live`: with
// --root DIR they are left out (unless asked for), so preparing a tree by hand cannot change
// the machine it runs on; the others get DIR through their own --root options.
//
// Live starts use --no-block: the setup unit is ordered before the services it starts, so
// waiting for them from inside it would wait forever.
import type { ApplianceSettings } from './settings';

export interface SystemCommand {
  program: string;
  args: string[];
  /** Fed to the command's standard input; may hold a secret. */
  stdin?: string;
  live: boolean;
  /** What it is for, in the setup log. */
  purpose: string;
}

export const routerService = 'vmware-event-router.service';
export const faasdServices = ['containerd.service', 'faasd-provider.service', 'faasd.service'];

export function planSystemCommands(settings: ApplianceSettings, root: string): SystemCommand[] {
  const offline = root !== '/';
  const systemctl = (purpose: string, ...args: string[]): SystemCommand => ({
    program: 'systemctl',
    args: offline ? [`--root=${root}`, ...args] : args,
    live: false,
    purpose,
  });
  const liveSystemctl = (purpose: string, ...args: string[]): SystemCommand => ({
    program: 'systemctl',
    args,
    live: true,
    purpose,
  });
  const openFaas = settings.processor.kind === 'openfaas';
  const ssh = settings.sshEnabled ? 'enable' : 'disable';

  return [
    {
      program: 'chpasswd',
      args: offline ? ['--root', root] : [],
      stdin: `root:${settings.rootPassword}\n`,
      live: false,
      purpose: 'set the root password',
    },
    {
      program: 'ssh-keygen',
      args: offline ? ['-A', '-f', root] : ['-A'],
      live: false,
      purpose: 'create the SSH host keys this VM was built without',
    },
    systemctl(`${ssh} SSH`, ssh, 'sshd.service'),
    systemctl('enable time synchronisation', 'enable', 'systemd-timesyncd.service'),
    openFaas
      ? systemctl('enable OpenFaaS (faasd)', 'enable', ...faasdServices)
      : systemctl('disable OpenFaaS (not used with EventBridge)', 'disable', ...faasdServices),
    systemctl('enable the router', 'enable', routerService),
    {
      program: 'hostnamectl',
      args: ['set-hostname', settings.network.hostname],
      live: true,
      purpose: 'apply the host name',
    },
    liveSystemctl('load the changed unit drop-ins', 'daemon-reload'),
    liveSystemctl(
      'apply the network settings',
      'restart',
      '--no-block',
      'systemd-networkd.service',
    ),
    liveSystemctl('apply the NTP servers', 'restart', '--no-block', 'systemd-timesyncd.service'),
    liveSystemctl(
      `${settings.sshEnabled ? 'start' : 'stop'} SSH`,
      settings.sshEnabled ? 'start' : 'stop',
      '--no-block',
      'sshd.service',
    ),
    openFaas
      ? liveSystemctl('start OpenFaaS', 'restart', '--no-block', ...faasdServices)
      : liveSystemctl('stop OpenFaaS', 'stop', '--no-block', ...faasdServices),
    liveSystemctl('start the router', 'restart', '--no-block', routerService),
  ];
}
