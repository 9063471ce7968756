// Reads the functions a gateway has, in every namespace it has, with their `topic`
// annotations: GET /system/functions, GET /system/namespaces, then
// GET /system/functions?namespace=NS for each namespace other than the default one.
import type { GatewayHttp, GatewayResponse } from './gateway-http';
import { parseTopicAnnotation } from './topics';

/** One function as the router addresses it. */
export interface SubscribedFunction {
  /** The invocation name: `name`, or `name.namespace` outside the default namespace. */
  target: string;
  /** From its `topic` annotation; empty when it has none. */
  topics: string[];
}

export interface FunctionListing {
  functions: SubscribedFunction[];
  /** Entries of the gateway's answer that were skipped, each naming its field. */
  problems: string[];
}

/** The gateway answered, but not with a usable listing (401, 5xx, HTML, malformed JSON). */
export class GatewayAnswerError extends Error {
  readonly status?: number;
  constructor(message: string, status?: number) {
    super(message);
    this.name = 'GatewayAnswerError';
    this.status = status;
  }
}

/** A listing body larger than this is refused rather than held in memory. */
const maxListingBytes = 16 * 1024 * 1024;

/**
 * One listing of every namespace; throws GatewayAnswerError or GatewayCallError when any part
 * of it fails, so a half listing never replaces a whole one.
 *
 * Limitation: namespaces are listed one after another, each call with its own timeout, so a
 * slow gateway with many namespaces takes up to (namespaces + 2) x timeoutMs per refresh.
 */
export async function listFunctions(gateway: GatewayHttp): Promise<FunctionListing> {
  const problems: string[] = [];
  const defaults = parseFunctions(await getJson(gateway, '/system/functions'), '', problems);
  const functions = defaults.map((entry) => ({ target: entry.name, topics: entry.topics }));

  // The default namespace is the one the unqualified listing came from; its functions are
  // addressed by bare name and are not listed twice.
  const defaultNamespaces = new Set(defaults.map((entry) => entry.namespace));
  for (const namespace of await listNamespaces(gateway)) {
    if (defaultNamespaces.has(namespace)) continue;
    const path = `/system/functions?namespace=${encodeURIComponent(namespace)}`;
    for (const entry of parseFunctions(await getJson(gateway, path), namespace, problems)) {
      functions.push({ target: `${entry.name}.${namespace}`, topics: entry.topics });
    }
  }
  return { functions, problems };
}

/** Namespaces the gateway lists; a 404 means a gateway without namespaces. */
async function listNamespaces(gateway: GatewayHttp): Promise<string[]> {
  const response = await gateway.call(getCall('/system/namespaces'));
  if (response.status === 404) return [];
  const body = decodeJson(response, '/system/namespaces');
  if (!Array.isArray(body) || !body.every((item) => typeof item === 'string')) {
    throw new GatewayAnswerError('/system/namespaces: expected a JSON array of names');
  }
  return body.filter((name) => name.length > 0);
}

interface FunctionEntry {
  name: string;
  namespace: string;
  topics: string[];
}

/**
 * The entries of a /system/functions answer. An entry without a usable name or with a
 * non-string topic is skipped and described in `problems`; the rest still route.
 */
function parseFunctions(body: unknown, namespace: string, problems: string[]): FunctionEntry[] {
  const where =
    namespace === '' ? '/system/functions' : `/system/functions?namespace=${namespace}`;
  if (!Array.isArray(body)) throw new GatewayAnswerError(`${where}: expected a JSON array`);
  const entries: FunctionEntry[] = [];
  body.forEach((item: unknown, index) => {
    const entry = item as { name?: unknown; namespace?: unknown; annotations?: unknown };
    if (typeof entry !== 'object' || entry === null) {
      problems.push(`${where}[${index}]: not an object`);
      return;
    }
    if (typeof entry.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(entry.name)) {
      problems.push(`${where}[${index}].name: missing or not a function name`);
      return;
    }
    const annotations = entry.annotations ?? {};
    const topic = (annotations as Record<string, unknown>).topic;
    if (typeof annotations !== 'object' || (topic !== undefined && typeof topic !== 'string')) {
      problems.push(`${where}[${index}] (${entry.name}).annotations.topic: not a string`);
      return;
    }
    entries.push({
      name: entry.name,
      namespace: typeof entry.namespace === 'string' ? entry.namespace : namespace,
      topics: parseTopicAnnotation(topic),
    });
  });
  return entries;
}

async function getJson(gateway: GatewayHttp, path: string): Promise<unknown> {
  return decodeJson(await gateway.call(getCall(path)), path);
}

function getCall(path: string) {
  return {
    method: 'GET' as const,
    path,
    headers: { Accept: 'application/json' },
    maxBodyBytes: maxListingBytes,
  };
}

function decodeJson(response: GatewayResponse, path: string): unknown {
  if (response.status === 401) {
    throw new GatewayAnswerError(`${path}: 401 Unauthorized`, 401);
  }
  if (response.status !== 200) {
    const text = `${response.status} ${response.statusText}`.trim();
    throw new GatewayAnswerError(`${path}: HTTP ${text}${bodyHint(response)}`, response.status);
  }
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    const type = response.contentType || 'no content type';
    throw new GatewayAnswerError(
      `${path}: answered ${type}, not JSON${bodyHint(response)}; is the address the gateway?`,
      response.status,
    );
  }
}

function bodyHint(response: GatewayResponse): string {
  const start = response.body.replace(/\s+/g, ' ').trim().slice(0, 80);
  return start.length > 0 ? ` ("${start}")` : '';
}
