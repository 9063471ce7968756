// A tiny raw vim25 SOAP client for TEST ACTIONS against the test vCenter: log in, post events,
// find VMs, power them off and on, and call the EventHistoryCollector directly. Requests are
// hand-written XML strings over node:https trusting the test CA; answers are read with
// fast-xml-parser. It is test tooling and shares nothing with the router's own client.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { XMLParser } from 'fast-xml-parser';

import type { Vcsim } from './vcsim';

export interface Moref {
  type: string;
  value: string;
}

/** A named entity as vim25 event arguments carry it. */
export interface NamedRef {
  name: string;
  ref: Moref;
}

/** A VM and the entities an event about it names, from the simulator's inventory. */
export interface VmPlacement {
  vm: NamedRef;
  host: NamedRef;
  computeResource: NamedRef;
  datacenter: NamedRef;
  powerState: string;
}

/** An event as the collector returned it: the common fields, and the parsed element. */
export interface VcsimEvent {
  /** The xsi:type, e.g. VmPoweredOnEvent. */
  type: string;
  key: number;
  chainId: number;
  /** As sent, e.g. 2026-12-03T10:58:01.123456Z. */
  createdTime: string;
  userName: string;
  fullFormattedMessage: string;
  vm?: NamedRef;
  host?: NamedRef;
  /** EventEx and ExtendedEvent: their own type id. */
  eventTypeId?: string;
  /** EventEx, GeneralUserEvent, ExtendedEvent. */
  message?: string;
  /** The whole element, as fast-xml-parser read it. */
  element: XmlNode;
}

/** An event to post: its vim25 type and the XML of its fields, in schema order. */
export interface EventXml {
  type: string;
  body: string;
}

export interface EventFilter {
  /** Inclusive; xsd:dateTime. */
  beginTime?: string;
  /** Inclusive; xsd:dateTime. */
  endTime?: string;
  entity?: { ref: Moref; recursion: 'self' | 'children' | 'all' };
  userName?: { systemUser: boolean; userList?: string[] };
  eventChainId?: number;
  disableFullMessage?: boolean;
  category?: string[];
  eventTypeId?: string[];
  /** The latest page size; vCenter's default is 10. */
  maxCount?: number;
}

/** A vim25 fault answer, named by its type (InvalidLogin, NotAuthenticated, ...). */
export class SoapFaultError extends Error {
  constructor(
    readonly method: string,
    readonly fault: string,
    readonly faultString: string,
    readonly httpStatus: number,
  ) {
    super(`${method}: ${fault}${faultString ? `: ${faultString}` : ''}`);
    this.name = 'SoapFaultError';
  }
}

export type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
});

const taskPollMs = 50;
const taskTimeoutMs = 30_000;

export class VcsimSoapClient {
  private cookie = '';
  private content?: XmlNode;
  private readonly ca?: Buffer;

  constructor(
    readonly sdkUrl: string,
    caFile?: string,
  ) {
    this.ca = caFile ? fs.readFileSync(caFile) : undefined;
  }

  /** A client for the given simulator, logged in with its credentials. */
  static async loggedIn(vcsim: Vcsim): Promise<VcsimSoapClient> {
    const client = new VcsimSoapClient(vcsim.sdkUrl, vcsim.caFile || undefined);
    await client.login(vcsim.username, vcsim.password);
    return client;
  }

  /** The session cookie; set it to act as another session (or '' for none). */
  get sessionCookie(): string {
    return this.cookie;
  }

  set sessionCookie(cookie: string) {
    this.cookie = cookie;
  }

  async login(username: string, password: string): Promise<void> {
    const sessionManager = await this.serviceRef('sessionManager');
    await this.call(
      'Login',
      sessionManager,
      el('userName', username) + el('password', password) + el('locale', 'en'),
    );
  }

  async logout(): Promise<void> {
    await this.call('Logout', await this.serviceRef('sessionManager'));
    this.cookie = '';
  }

  /** ServiceInstance.CurrentTime, the simulator's clock. */
  async currentTime(): Promise<string> {
    const answer = await this.call('CurrentTime', {
      type: 'ServiceInstance',
      value: 'ServiceInstance',
    });
    return text(answer.returnval);
  }

  async postEvent(event: EventXml): Promise<void> {
    const eventManager = await this.serviceRef('eventManager');
    const body = `<eventToPost xsi:type="${event.type}">${event.body}</eventToPost>`;
    await this.call('PostEvent', eventManager, body);
  }

  /** Every VM with its host, compute resource and datacenter, sorted by moref value. */
  async findVms(): Promise<VmPlacement[]> {
    const objects = await this.retrieveFromRoot({
      VirtualMachine: ['name', 'parent', 'runtime.host', 'runtime.powerState'],
      HostSystem: ['name', 'parent'],
      ClusterComputeResource: ['name', 'parent'],
      ComputeResource: ['name', 'parent'],
      Datacenter: ['name', 'parent'],
      Folder: ['name', 'parent'],
    });
    return placements(objects);
  }

  /** VirtualMachine.PowerOffVM_Task, waiting for the task. */
  async powerOffVm(vm: Moref): Promise<void> {
    const answer = await this.call('PowerOffVM_Task', vm);
    await this.waitForTask(moref(answer.returnval));
  }

  /** VirtualMachine.PowerOnVM_Task, waiting for the task. */
  async powerOnVm(vm: Moref): Promise<void> {
    const answer = await this.call('PowerOnVM_Task', vm);
    await this.waitForTask(moref(answer.returnval));
  }

  async waitForTask(task: Moref): Promise<void> {
    const deadline = Date.now() + taskTimeoutMs;
    for (;;) {
      const props = await this.retrieveProperties(task, ['info.state', 'info.error']);
      const state = text(props['info.state']);
      if (state === 'success') return;
      if (state === 'error') {
        throw new Error(`task ${task.value} failed: ${JSON.stringify(props['info.error'])}`);
      }
      if (Date.now() > deadline) throw new Error(`task ${task.value} still ${state}`);
      await new Promise((resolve) => setTimeout(resolve, taskPollMs));
    }
  }

  async createCollectorForEvents(filter: EventFilter = {}): Promise<Moref> {
    const eventManager = await this.serviceRef('eventManager');
    const answer = await this.call(
      'CreateCollectorForEvents',
      eventManager,
      `<filter>${filterXml(filter)}</filter>`,
    );
    return moref(answer.returnval);
  }

  async readNextEvents(collector: Moref, maxCount: number): Promise<VcsimEvent[]> {
    const answer = await this.call('ReadNextEvents', collector, el('maxCount', maxCount));
    return asArray(answer.returnval).map((node) => toEvent(node as XmlNode));
  }

  async readPreviousEvents(collector: Moref, maxCount: number): Promise<VcsimEvent[]> {
    const answer = await this.call('ReadPreviousEvents', collector, el('maxCount', maxCount));
    return asArray(answer.returnval).map((node) => toEvent(node as XmlNode));
  }

  /** ReadNextEvents until an empty page: everything after the collector's position. */
  async readToEnd(collector: Moref, pageSize = 100): Promise<VcsimEvent[]> {
    const events: VcsimEvent[] = [];
    for (;;) {
      const page = await this.readNextEvents(collector, pageSize);
      if (page.length === 0) return events;
      events.push(...page);
    }
  }

  async rewindCollector(collector: Moref): Promise<void> {
    await this.call('RewindCollector', collector);
  }

  async resetCollector(collector: Moref): Promise<void> {
    await this.call('ResetCollector', collector);
  }

  async setCollectorPageSize(collector: Moref, maxCount: number): Promise<void> {
    await this.call('SetCollectorPageSize', collector, el('maxCount', maxCount));
  }

  async destroyCollector(collector: Moref): Promise<void> {
    await this.call('DestroyCollector', collector);
  }

  /** The collector's latestPage property, as the PropertyCollector returns it. */
  async latestPage(collector: Moref): Promise<VcsimEvent[]> {
    const props = await this.retrieveProperties(collector, ['latestPage']);
    const array = props.latestPage as XmlNode | undefined;
    return asArray(array?.Event).map((node) => toEvent(node as XmlNode));
  }

  /** RetrievePropertiesEx of some properties of one object, by property path. */
  async retrieveProperties(obj: Moref, paths: string[]): Promise<Record<string, unknown>> {
    const propertyCollector = await this.serviceRef('propertyCollector');
    const specSet =
      `<specSet><propSet>${el('type', obj.type)}${el('all', false)}` +
      paths.map((p) => el('pathSet', p)).join('') +
      `</propSet><objectSet>${refEl('obj', obj)}${el('skip', false)}</objectSet></specSet>`;
    const answer = await this.call(
      'RetrievePropertiesEx',
      propertyCollector,
      specSet + '<options/>',
    );
    const objects = asArray((answer.returnval as XmlNode | undefined)?.objects);
    const props: Record<string, unknown> = {};
    for (const propSet of asArray((objects[0] as XmlNode | undefined)?.propSet)) {
      const p = propSet as XmlNode;
      props[text(p.name)] = p.val;
    }
    return props;
  }

  /** Calls a vim25 method; `body` is the XML of its parameters after _this. */
  async call(method: string, self: Moref, body = ''): Promise<XmlNode> {
    const envelope =
      '<?xml version="1.0" encoding="UTF-8"?>' +
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
      ' xmlns:xsd="http://www.w3.org/2001/XMLSchema"' +
      ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
      `<soapenv:Body><${method} xmlns="urn:vim25">${refEl('_this', self)}${body}` +
      `</${method}></soapenv:Body></soapenv:Envelope>`;

    const { status, body: answer } = await this.post(envelope);
    const parsed = parser.parse(answer) as XmlNode;
    const soapBody = ((parsed.Envelope as XmlNode | undefined)?.Body ?? {}) as XmlNode;
    if (soapBody.Fault) throw toFault(method, soapBody.Fault as XmlNode, status);
    if (status !== 200) throw new Error(`${method}: HTTP ${status}: ${answer.slice(0, 200)}`);
    return (soapBody[`${method}Response`] ?? {}) as XmlNode;
  }

  private async serviceRef(name: string): Promise<Moref> {
    if (!this.content) {
      const answer = await this.call('RetrieveServiceContent', {
        type: 'ServiceInstance',
        value: 'ServiceInstance',
      });
      this.content = answer.returnval as XmlNode;
    }
    const ref = this.content[name];
    if (!ref) throw new Error(`service content has no ${name}`);
    return moref(ref);
  }

  /** RetrievePropertiesEx over a ContainerView of the root folder; paths by object type. */
  private async retrieveFromRoot(
    pathsByType: Record<string, string[]>,
  ): Promise<RetrievedObject[]> {
    const types = Object.keys(pathsByType);
    const viewManager = await this.serviceRef('viewManager');
    const view = moref(
      (
        await this.call(
          'CreateContainerView',
          viewManager,
          refEl('container', await this.serviceRef('rootFolder')) +
            types.map((t) => el('type', t)).join('') +
            el('recursive', true),
        )
      ).returnval,
    );

    try {
      const propSets = types
        .map((t) => {
          const pathSet = pathsByType[t].map((p) => el('pathSet', p)).join('');
          return `<propSet>${el('type', t)}${el('all', false)}${pathSet}</propSet>`;
        })
        .join('');
      const traversal =
        '<selectSet xsi:type="TraversalSpec">' +
        el('name', 'view') +
        el('type', 'ContainerView') +
        el('path', 'view') +
        el('skip', false) +
        '</selectSet>';
      const answer = await this.call(
        'RetrievePropertiesEx',
        await this.serviceRef('propertyCollector'),
        `<specSet>${propSets}<objectSet>${refEl('obj', view)}${el('skip', true)}${traversal}` +
          '</objectSet></specSet><options/>',
      );
      // Limitation: one page only (no ContinueRetrievePropertiesEx); the model is small.
      return asArray((answer.returnval as XmlNode | undefined)?.objects).map((o) =>
        toRetrieved(o as XmlNode),
      );
    } finally {
      await this.call('DestroyView', view);
    }
  }

  private post(envelope: string): Promise<{ status: number; body: string }> {
    const url = new URL(this.sdkUrl);
    const transport = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = {
      'Content-Type': 'text/xml; charset=utf-8',
      SOAPAction: '"urn:vim25/7.0.3.0"',
      'Content-Length': String(Buffer.byteLength(envelope)),
    };
    if (this.cookie) headers.Cookie = this.cookie;

    return new Promise((resolve, reject) => {
      const request = transport.request(
        url,
        { method: 'POST', headers, ca: this.ca, agent: false },
        (response) => {
          const setCookie = response.headers['set-cookie']?.[0];
          if (setCookie) this.cookie = setCookie.split(';')[0];
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(envelope);
    });
  }
}

// --- Event XML builders --------------------------------------------------------------------

export interface EventBase {
  placement?: VmPlacement;
  /** Left out, the simulator fills in the session's user. */
  userName?: string;
  fullFormattedMessage?: string;
}

/** The fields every vim25 Event has, in schema order; key and time are the server's. */
function baseXml(base: EventBase): string {
  const p = base.placement;
  return (
    el('key', 0) +
    el('chainId', 0) +
    el('createdTime', new Date().toISOString()) +
    el('userName', base.userName ?? '') +
    (p ? entityArgument('datacenter', p.datacenter) : '') +
    (p ? entityArgument('computeResource', p.computeResource) : '') +
    (p ? entityArgument('host', p.host) : '') +
    (p ? entityArgument('vm', p.vm) : '') +
    (base.fullFormattedMessage !== undefined
      ? el('fullFormattedMessage', base.fullFormattedMessage)
      : '')
  );
}

function entityArgument(name: string, entity: NamedRef): string {
  return `<${name}>${el('name', entity.name)}${refEl(name, entity.ref)}</${name}>`;
}

/** A VmEvent subtype (VmPoweredOnEvent, VmPoweredOffEvent, VmSuspendedEvent, ...). */
export function vmEventXml(type: string, base: EventBase & { placement: VmPlacement }): EventXml {
  return { type, body: baseXml(base) + el('template', false) };
}

export interface KeyAnyValue {
  key: string;
  value: string | number | boolean;
}

/** EventEx: an extensible event with its own eventTypeId, severity and arguments. */
export function eventExXml(
  options: EventBase & {
    eventTypeId: string;
    severity?: 'info' | 'warning' | 'error' | 'user';
    message?: string;
    arguments?: KeyAnyValue[];
    objectId?: string;
    objectType?: string;
    objectName?: string;
  },
): EventXml {
  const args = (options.arguments ?? []).map(
    (a) => `<arguments>${el('key', a.key)}${anyValue('value', a.value)}</arguments>`,
  );
  const body =
    baseXml(options) +
    el('eventTypeId', options.eventTypeId) +
    optional('severity', options.severity) +
    optional('message', options.message) +
    args.join('') +
    optional('objectId', options.objectId) +
    optional('objectType', options.objectType) +
    optional('objectName', options.objectName);
  return { type: 'EventEx', body };
}

/** ExtendedEvent: an extension's event with key/value data about one managed object. */
export function extendedEventXml(
  options: EventBase & {
    eventTypeId: string;
    managedObject: Moref;
    data?: Record<string, string>;
    message?: string;
  },
): EventXml {
  const data = Object.entries(options.data ?? {}).map(
    ([key, value]) => `<data>${el('key', key)}${el('value', value)}</data>`,
  );
  const body =
    baseXml(options) +
    el('message', options.message ?? '') +
    el('eventTypeId', options.eventTypeId) +
    refEl('managedObject', options.managedObject) +
    data.join('');
  return { type: 'ExtendedEvent', body };
}

/** GeneralUserEvent: what LogUserEvent records, a user's message about an entity. */
export function generalUserEventXml(
  options: EventBase & { message: string; entity?: NamedRef },
): EventXml {
  const entity = options.entity
    ? `<entity>${el('name', options.entity.name)}${refEl('entity', options.entity.ref)}</entity>`
    : '';
  return {
    type: 'GeneralUserEvent',
    body: baseXml(options) + el('message', options.message) + entity,
  };
}

/** Any other type: the base fields, then `fieldsXml` for the type's own fields. */
export function rawEventXml(type: string, options: EventBase & { fieldsXml?: string }): EventXml {
  return { type, body: baseXml(options) + (options.fieldsXml ?? '') };
}

// --- XML helpers ---------------------------------------------------------------------------

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function el(name: string, value: string | number | boolean): string {
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

function optional(name: string, value: string | undefined): string {
  return value === undefined ? '' : el(name, value);
}

function refEl(name: string, ref: Moref): string {
  return `<${name} type="${escapeXml(ref.type)}">${escapeXml(ref.value)}</${name}>`;
}

function anyValue(name: string, value: string | number | boolean): string {
  const xsdType =
    typeof value === 'boolean'
      ? 'xsd:boolean'
      : typeof value === 'number'
        ? 'xsd:int'
        : 'xsd:string';
  return `<${name} xsi:type="${xsdType}">${escapeXml(String(value))}</${name}>`;
}

function filterXml(f: EventFilter): string {
  const time =
    f.beginTime || f.endTime
      ? `<time>${optional('beginTime', f.beginTime)}${optional('endTime', f.endTime)}</time>`
      : '';
  const entity = f.entity
    ? `<entity>${refEl('entity', f.entity.ref)}${el('recursion', f.entity.recursion)}</entity>`
    : '';
  const userName = f.userName
    ? `<userName>${el('systemUser', f.userName.systemUser)}` +
      (f.userName.userList ?? []).map((u) => el('userList', u)).join('') +
      '</userName>'
    : '';
  return (
    entity +
    time +
    userName +
    (f.eventChainId !== undefined ? el('eventChainId', f.eventChainId) : '') +
    (f.disableFullMessage !== undefined ? el('disableFullMessage', f.disableFullMessage) : '') +
    (f.category ?? []).map((c) => el('category', c)).join('') +
    (f.eventTypeId ?? []).map((t) => el('eventTypeId', t)).join('') +
    (f.maxCount !== undefined ? el('maxCount', f.maxCount) : '')
  );
}

// --- Reading answers -----------------------------------------------------------------------

export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return String((value as XmlNode)['#text'] ?? '');
  return String(value);
}

export function moref(value: unknown): Moref {
  const node = value as XmlNode;
  if (!node || typeof node !== 'object' || typeof node['@_type'] !== 'string') {
    throw new Error(`not a managed object reference: ${JSON.stringify(value)}`);
  }
  return { type: node['@_type'], value: text(node) };
}

function namedRef(value: unknown, refField: string): NamedRef | undefined {
  const node = value as XmlNode | undefined;
  if (!node) return undefined;
  return { name: text(node.name), ref: moref(node[refField]) };
}

function toEvent(node: XmlNode): VcsimEvent {
  return {
    type: String(node['@_type'] ?? ''),
    key: Number(text(node.key)),
    chainId: Number(text(node.chainId)),
    createdTime: text(node.createdTime),
    userName: text(node.userName),
    fullFormattedMessage: text(node.fullFormattedMessage),
    vm: namedRef(node.vm, 'vm'),
    host: namedRef(node.host, 'host'),
    eventTypeId: node.eventTypeId === undefined ? undefined : text(node.eventTypeId),
    message: node.message === undefined ? undefined : text(node.message),
    element: node,
  };
}

function toFault(method: string, fault: XmlNode, status: number): SoapFaultError {
  const detail = (fault.detail ?? {}) as XmlNode;
  const [element, value] = Object.entries(detail)[0] ?? ['', {}];
  const typeAttr = (value as XmlNode | undefined)?.['@_type'];
  const name = typeof typeAttr === 'string' ? typeAttr : element.replace(/Fault$/, '');
  return new SoapFaultError(method, name || 'unknown fault', text(fault.faultstring), status);
}

interface RetrievedObject {
  ref: Moref;
  props: Record<string, unknown>;
}

function toRetrieved(node: XmlNode): RetrievedObject {
  const props: Record<string, unknown> = {};
  for (const propSet of asArray(node.propSet)) {
    const p = propSet as XmlNode;
    props[text(p.name)] = p.val;
  }
  return { ref: moref(node.obj), props };
}

function placements(objects: RetrievedObject[]): VmPlacement[] {
  const byValue = new Map(objects.map((o) => [o.ref.value, o]));
  const named = (ref: Moref): NamedRef => ({
    name: text(byValue.get(ref.value)?.props.name),
    ref,
  });
  const parentOf = (ref: Moref): Moref | undefined => {
    const parent = byValue.get(ref.value)?.props.parent;
    return parent ? moref(parent) : undefined;
  };
  const datacenterOf = (ref: Moref): Moref | undefined => {
    for (let at = parentOf(ref), depth = 0; at && depth < 32; at = parentOf(at), depth++) {
      if (at.type === 'Datacenter') return at;
    }
    return undefined;
  };

  const vms: VmPlacement[] = [];
  for (const o of objects) {
    if (o.ref.type !== 'VirtualMachine' || !o.props['runtime.host']) continue;
    const host = moref(o.props['runtime.host']);
    const computeResource = parentOf(host);
    const datacenter = datacenterOf(o.ref);
    if (!computeResource || !datacenter) continue;
    vms.push({
      vm: named(o.ref),
      host: named(host),
      computeResource: named(computeResource),
      datacenter: named(datacenter),
      powerState: text(o.props['runtime.powerState']),
    });
  }
  return vms.sort((a, b) => a.vm.ref.value.localeCompare(b.vm.ref.value));
}
