// The test vCenter (build/vcsim/vcsim, `make vcsim`) for the binary's smoke tests: start it on
// 127.0.0.1 with TLS, and power a VM off through vim25 SOAP, the way an admin's client would.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import readline from 'node:readline';

export const vcsimBinary = path.join(__dirname, '..', '..', 'build', 'vcsim', 'vcsim');

export interface Vcsim {
  sdkUrl: string;
  username: string;
  password: string;
  thumbprintSha256: string;
  stop(): Promise<void>;
}

interface ReadyLine {
  sdkUrl: string;
  username: string;
  thumbprintSha256: string;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts vcsim and resolves once it prints its ready line. */
export async function startVcsim(): Promise<Vcsim> {
  if (!fs.existsSync(vcsimBinary)) throw new Error(`${vcsimBinary} is missing: run make vcsim`);
  const password = crypto.randomBytes(12).toString('base64url');
  const child = spawn(vcsimBinary, ['-port', '0', '-control-port', '0', '-exit-on-stdin-eof'], {
    env: { ...process.env, VCSIM_PASSWORD: password },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const stop = async () => {
    child.kill('SIGTERM');
    await exited(child);
  };
  try {
    const ready = await new Promise<ReadyLine>((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout! });
      lines.once('line', (line) => resolve(JSON.parse(line) as ReadyLine));
      child.once('exit', (code) => reject(new Error(`vcsim exited with ${code} before ready`)));
    });
    return { ...ready, password, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function xmlText(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One vim25 call; returns the response body. Checks the server by its pinned thumbprint. */
function soapCall(vcsim: Vcsim, body: string, cookie?: string): Promise<[string, string[]]> {
  const envelope =
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    `xmlns:urn="urn:vim25"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
  return new Promise((resolve, reject) => {
    const request = https.request(
      vcsim.sdkUrl,
      {
        method: 'POST',
        // A self-signed simulator: trust comes from the thumbprint check below instead.
        rejectUnauthorized: false,
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          soapaction: 'urn:vim25/8.0',
          ...(cookie ? { cookie } : {}),
        },
      },
      (response) => {
        const certificate = (response.socket as import('node:tls').TLSSocket).getPeerCertificate();
        const seen = certificate.fingerprint256.replace(/:/g, '').toLowerCase();
        if (seen !== vcsim.thumbprintSha256.replace(/:/g, '').toLowerCase()) {
          reject(new Error(`vcsim certificate ${seen} is not the one it announced`));
          return;
        }
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          if (response.statusCode !== 200) {
            reject(new Error(`vcsim answered ${response.statusCode}: ${text}`));
          } else {
            resolve([text, response.headers['set-cookie'] ?? []]);
          }
        });
      },
    );
    request.on('error', reject);
    request.end(envelope);
  });
}

/** Logs in and powers off the VM at inventoryPath (such as DC0/vm/DC0_H0_VM0). */
export async function powerOffVm(vcsim: Vcsim, inventoryPath: string): Promise<void> {
  const [, cookies] = await soapCall(
    vcsim,
    '<urn:Login><urn:_this type="SessionManager">SessionManager</urn:_this>' +
      `<urn:userName>${xmlText(vcsim.username)}</urn:userName>` +
      `<urn:password>${xmlText(vcsim.password)}</urn:password></urn:Login>`,
  );
  const cookie = cookies.map((c) => c.split(';')[0]).join('; ');
  const [found] = await soapCall(
    vcsim,
    '<urn:FindByInventoryPath><urn:_this type="SearchIndex">SearchIndex</urn:_this>' +
      `<urn:inventoryPath>${xmlText(inventoryPath)}</urn:inventoryPath></urn:FindByInventoryPath>`,
    cookie,
  );
  const vm = /<returnval type="VirtualMachine">([^<]+)<\/returnval>/.exec(found)?.[1];
  if (!vm) throw new Error(`vcsim has no VM at ${inventoryPath}: ${found}`);
  await soapCall(
    vcsim,
    `<urn:PowerOffVM_Task><urn:_this type="VirtualMachine">${xmlText(vm)}</urn:_this>` +
      '</urn:PowerOffVM_Task>',
    cookie,
  );
}
