// What the setup tells the person at the appliance: a log file with every step, and the
// console login banner (agetty shows /etc/issue.d/*.issue above the login prompt), so a bad
// property is visible in the vSphere console without logging in. Nothing here ever holds a
// secret: the setup passes only property names, paths and reasons.
import { appendFileSync, chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const setupLogPath = '/var/log/vmware-event-router-setup.log';
export const issuePath = '/etc/issue.d/vmware-event-router.issue';
export const setupCommandPath = '/usr/local/sbin/vmware-event-router-setup';
/** Stands for agetty's `\4` escape (the VM's IPv4 address) in a banner line. */
export const consoleIPv4 = '{IPv4 address}';

export class SetupReport {
  constructor(
    private readonly root: string,
    private readonly now: () => Date,
    private readonly echo: NodeJS.WritableStream,
  ) {}

  log(message: string): void {
    const line = `${this.now().toISOString()} ${message}\n`;
    const path = join(this.root, setupLogPath);
    mkdirSync(dirname(path), { recursive: true });
    appendFileSync(path, line, { mode: 0o640 });
    this.echo.write(line);
  }

  succeeded(summary: string[]): void {
    this.banner([
      `vmware-event-router appliance: setup completed ${this.now().toISOString()}`,
      ...summary.map((line) => `  ${line}`),
      `  Setup log: ${setupLogPath}`,
    ]);
  }

  /** `partly`: files were written before the failure, so the appliance is half configured. */
  failed(problems: string[], partly: boolean): void {
    const state = partly
      ? 'The appliance is PARTLY configured: the setup stopped half way.'
      : 'Nothing was changed.';
    this.banner([
      '*** vmware-event-router appliance: SETUP FAILED ***',
      ...problems.map((problem) => `  - ${problem.replace(/\n/g, '\n    ')}`),
      state,
      'Fix the OVF properties (VM > Configure > vApp Options) and restart the VM,',
      `or log in and run ${setupCommandPath} again. Details: ${setupLogPath}`,
    ]);
  }

  private banner(lines: string[]): void {
    // agetty expands backslash escapes in issue files; a literal backslash must be doubled.
    const text = lines
      .map((line) => line.replace(/\\/g, '\\\\').replaceAll(consoleIPv4, '\\4'))
      .join('\n');
    const path = join(this.root, issuePath);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${text}\n\n`);
    // Readable by agetty whatever the umask of the setup unit.
    chmodSync(dirname(path), 0o755);
    chmodSync(path, 0o644);
  }
}
