// vim25 over SOAP for one vCenter: node-soap builds and sends the requests from our minimal WSDL;
// every response is read from its raw XML here and by decode.ts, because node-soap does not
// know vim25's polymorphic types. What node-soap does not do for us, and this file does:
// - keeps the `vmware_soap_session` cookie from Login and sends it on every later call;
// - sends dates as ISO strings and builds arguments in vim25's schema order (wsdl.ts);
// - reads SOAP faults into VcenterError with their vim25 fault type.
// node-soap's own parse of a response is switched off (ResponseBodyOnlyWsdl): its result was
// never used, and it cost twice our decode (a 1,000-event page: ~160 ms against ~80 ms).
import axios, { type AxiosInstance } from 'axios';
import { Client, WSDL } from 'soap';

import type { StreamConfig } from '../config/types';
import type { DecodedEvent } from '../events/vcenter-event';
import { decodeEventsResponse, soapResponseElement, VimFaultError } from './decode';
import { kindOfFault, transportError, VcenterError } from './errors';
import type { CollectorRef, EventPosition, VcenterSession } from './session';
import { vcenterHttpsAgent } from './tls';
import { vim25Wsdl, type Vim25Operation } from './wsdl';
import { childNamed, type XmlElement } from './xml';

/** How long one vim25 call may take; a large ReadNextEvents page on a busy vCenter is slow. */
const callTimeoutMs = 60_000;
/** The largest response read; a full page of 1,000 events is about 2 MB. A broken or hostile
 * server cannot make the router read without end. */
const maxResponseBytes = 64 * 1024 * 1024;

interface MoRef {
  type: string;
  value: string;
}

interface ServiceContent {
  apiVersion: string;
  rootFolder: MoRef;
  sessionManager: MoRef;
  eventManager: MoRef;
  propertyCollector: MoRef;
}

/**
 * The WSDL, minus node-soap's parse of responses: every caller here reads the raw body, so
 * node-soap gets an empty result instead. It still builds and sends the requests, and a fault
 * still arrives as an error (vCenter answers faults with HTTP 500).
 */
class ResponseBodyOnlyWsdl extends WSDL {
  override xmlToObject(): { Header: undefined; Body: Record<string, never> } {
    return { Header: undefined, Body: {} };
  }
}

const soapMoRef = (ref: MoRef) => ({ attributes: { type: ref.type }, $value: ref.value });
const serviceInstance: MoRef = { type: 'ServiceInstance', value: 'ServiceInstance' };

/** The vCenter's URL without credentials: for logs, errors and the CloudEvent `source`. */
export function vcenterSource(address: string): string {
  const url = new URL(address);
  url.username = '';
  url.password = '';
  return url.toString().replace(/\/$/, '');
}

export class VimClient implements VcenterSession {
  private cookie?: string;
  private content?: ServiceContent;

  private constructor(
    private readonly soap: Client,
    private readonly host: string,
  ) {}

  /** A client for the stream's vCenter, not yet logged in. */
  static async create(config: StreamConfig): Promise<VimClient> {
    const endpoint = config.address;
    const http = createHttp(config);
    const wsdl = new ResponseBodyOnlyWsdl(vim25Wsdl(endpoint), endpoint, {});
    await new Promise<void>((resolve, reject) => wsdl.onReady((e) => (e ? reject(e) : resolve())));
    const soap = new Client(wsdl, endpoint, { request: http } as never);
    return new VimClient(soap, new URL(endpoint).host);
  }

  /** Opens a session: RetrieveServiceContent then Login. */
  static async open(config: StreamConfig): Promise<VimClient> {
    const client = await VimClient.create(config);
    await client.login(config.username, config.password);
    return client;
  }

  get apiVersion(): string {
    return this.content?.apiVersion ?? '';
  }

  async login(username: string, password: string): Promise<void> {
    const response = await this.callElement('RetrieveServiceContent', {
      _this: soapMoRef(serviceInstance),
    });
    this.content = readServiceContent(returnvals(response)[0], this.host);
    // Speak the version the server reports, as vSphere clients do.
    this.soap.setSOAPAction(`urn:vim25/${this.content.apiVersion}`);
    await this.callElement('Login', {
      _this: soapMoRef(this.content.sessionManager),
      userName: username,
      password,
    });
  }

  async currentTime(): Promise<Date> {
    const response = await this.callElement('CurrentTime', { _this: soapMoRef(serviceInstance) });
    const text = returnvals(response)[0]?.text ?? '';
    const time = new Date(text);
    if (Number.isNaN(time.getTime())) {
      throw new VcenterError('transient', `vCenter ${this.host}: CurrentTime returned "${text}"`);
    }
    return time;
  }

  async createCollector(beginTime?: string): Promise<CollectorRef> {
    const content = this.serviceContent();
    const filter = {
      entity: { entity: soapMoRef(content.rootFolder), recursion: 'all' },
      ...(beginTime ? { time: { beginTime } } : {}),
    };
    const response = await this.callElement('CreateCollectorForEvents', {
      _this: soapMoRef(content.eventManager),
      filter,
    });
    const ref = readMoRef(returnvals(response)[0]);
    return { type: 'EventHistoryCollector', value: ref.value };
  }

  async readNextEvents(collector: CollectorRef, maxCount: number): Promise<DecodedEvent[]> {
    const raw = await this.call('ReadNextEvents', { _this: soapMoRef(collector), maxCount });
    // One parse of the page, by the decoder, which also reads a fault.
    return this.readingFaults('ReadNextEvents', () => decodeEventsResponse(raw));
  }

  async latestPage(collector: CollectorRef): Promise<EventPosition[]> {
    const response = await this.callElement('RetrievePropertiesEx', {
      _this: soapMoRef(this.serviceContent().propertyCollector),
      specSet: [
        {
          propSet: [{ type: 'EventHistoryCollector', pathSet: ['latestPage'] }],
          objectSet: [{ obj: soapMoRef(collector), skip: false }],
        },
      ],
      options: {},
    });
    return readLatestPage(returnvals(response));
  }

  async destroyCollector(collector: CollectorRef): Promise<void> {
    await this.callElement('DestroyCollector', { _this: soapMoRef(collector) });
  }

  async logout(): Promise<void> {
    if (!this.content || !this.cookie) return;
    await this.callElement('Logout', { _this: soapMoRef(this.content.sessionManager) });
    this.cookie = undefined;
  }

  private serviceContent(): ServiceContent {
    if (!this.content) throw new VcenterError('session', `vCenter ${this.host}: not logged in`);
    return this.content;
  }

  /** Calls one operation and returns the raw response XML. */
  private async call(operation: Vim25Operation, args: object): Promise<string> {
    const method = (this.soap as unknown as Record<string, SoapAsyncMethod>)[`${operation}Async`];
    let raw: string;
    try {
      const headers = this.cookie ? { Cookie: this.cookie } : {};
      [, raw] = await method.call(this.soap, args, {}, headers);
    } catch (error) {
      throw this.callError(operation, error);
    } finally {
      this.keepSessionCookie();
    }
    if (typeof raw !== 'string' || raw.length === 0) {
      throw new VcenterError('transient', `vCenter ${this.host}: ${operation}: empty response`);
    }
    return raw;
  }

  private keepSessionCookie(): void {
    const setCookie = this.soap.lastResponseHeaders?.['set-cookie'] as
      string[] | string | undefined;
    const cookies = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
    const session = cookies.find((c) => c.startsWith('vmware_soap_session='));
    if (session) this.cookie = session.split(';')[0];
  }

  /** Calls one operation and returns the element inside the response's Body. */
  private async callElement(operation: Vim25Operation, args: object): Promise<XmlElement> {
    const raw = await this.call(operation, args);
    return this.readingFaults(operation, () => soapResponseElement(raw));
  }

  /** Runs a read of a response body, turning a SOAP fault or unreadable XML into VcenterError. */
  private readingFaults<T>(operation: Vim25Operation, read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (error instanceof VimFaultError) throw this.faultError(operation, error);
      const reason = (error as Error).message;
      throw new VcenterError(
        'transient',
        `vCenter ${this.host}: ${operation}: ${reason}`,
        undefined,
        {
          cause: error,
        },
      );
    }
  }

  private faultError(operation: Vim25Operation, fault: VimFaultError): VcenterError {
    const message = `vCenter ${this.host}: ${operation}: ${fault.faultType}: ${fault.faultMessage}`;
    return new VcenterError(kindOfFault(fault.faultType), message, fault.faultType, {
      cause: fault,
    });
  }

  private callError(operation: Vim25Operation, error: unknown): VcenterError {
    const body = responseBody(error);
    if (body) {
      try {
        soapResponseElement(body);
      } catch (fault) {
        if (fault instanceof VimFaultError) return this.faultError(operation, fault);
      }
    }
    return transportError(this.host, operation, error);
  }
}

type SoapAsyncMethod = (
  args: object,
  options: object,
  headers: object,
) => Promise<[unknown, string]>;

function createHttp(config: StreamConfig): AxiosInstance {
  const isHttps = new URL(config.address).protocol === 'https:';
  return axios.create({
    timeout: callTimeoutMs,
    maxContentLength: maxResponseBytes,
    httpsAgent: isHttps ? vcenterHttpsAgent(config.tls) : undefined,
    // A proxy from the environment must not see vCenter credentials unless configured for it.
    proxy: false,
    maxRedirects: 0,
  });
}

function responseBody(error: unknown): string | undefined {
  const e = error as { body?: unknown; response?: { data?: unknown } };
  const data = e?.response?.data ?? e?.body;
  return typeof data === 'string' ? data : undefined;
}

/** The `returnval` elements of an operation's response element. */
function returnvals(response: XmlElement): XmlElement[] {
  return response.children.filter((c) => c.local === 'returnval');
}

function readMoRef(element: XmlElement | undefined): MoRef {
  if (!element) throw new VcenterError('transient', 'vCenter answered without a returnval');
  return { type: element.attributes?.type ?? '', value: element.text.trim() };
}

function readServiceContent(element: XmlElement | undefined, host: string): ServiceContent {
  const part = (name: string) => {
    const child = element && childNamed(element, name);
    if (!child)
      throw new VcenterError('transient', `vCenter ${host}: ServiceContent lacks ${name}`);
    return child;
  };
  const about = part('about');
  return {
    apiVersion: childNamed(about, 'apiVersion')?.text.trim() ?? '',
    rootFolder: readMoRef(part('rootFolder')),
    sessionManager: readMoRef(part('sessionManager')),
    eventManager: readMoRef(part('eventManager')),
    propertyCollector: readMoRef(part('propertyCollector')),
  };
}

/** RetrievePropertiesEx answers a RetrieveResult: `objects`, each with its `propSet`. */
function readLatestPage(results: XmlElement[]): EventPosition[] {
  const positions: EventPosition[] = [];
  const objects = results.flatMap((result) =>
    result.children.filter((c) => c.local === 'objects'),
  );
  for (const object of objects) {
    for (const property of object.children.filter((c) => c.local === 'propSet')) {
      const value = childNamed(property, 'val');
      for (const event of value?.children ?? []) {
        const key = Number(childNamed(event, 'key')?.text);
        const createdTime = childNamed(event, 'createdTime')?.text.trim();
        if (Number.isFinite(key) && createdTime) positions.push({ key, createdTime });
      }
    }
  }
  return positions;
}
