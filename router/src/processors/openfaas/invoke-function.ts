// One invocation of one function with one CloudEvent, and what its answer means for the
// delivery: POST /function/{fn} (sync) or /async-function/{fn} (async), the structured
// CloudEvent JSON as the body.
import type { RouterCloudEvent } from '../../events/cloudevent-json';
import type { DeliveryResult } from '../processor';
import { GatewayCallError, type GatewayHttp, type GatewayResponse } from './gateway-http';

export interface Invocation {
  /** `name` or `name.namespace`. */
  target: string;
  /** Queue through the gateway's async endpoint instead of waiting for the function. */
  async: boolean;
  /** The subscribed topic that matched, sent as X-Topic. */
  topic: string;
  event: RouterCloudEvent;
}

/** How much of a rejecting answer's body a dead letter keeps. */
const reasonBodyChars = 200;

export async function invokeFunction(
  gateway: GatewayHttp,
  invocation: Invocation,
): Promise<DeliveryResult> {
  const endpoint = invocation.async ? 'async-function' : 'function';
  const what = `function ${invocation.target}`;
  let response: GatewayResponse;
  try {
    response = await gateway.call({
      method: 'POST',
      path: `/${endpoint}/${encodeURIComponent(invocation.target)}`,
      headers: {
        'Content-Type': 'application/json',
        'X-Topic': invocation.topic,
      },
      body: JSON.stringify(invocation.event),
      // Bytes, not characters: enough for 200 characters of any UTF-8 text.
      maxBodyBytes: reasonBodyChars * 4,
    });
  } catch (error) {
    const detail = error instanceof GatewayCallError ? error.message : String(error);
    return { outcome: 'retry', reason: `${what}: ${detail}` };
  }
  return classifyAnswer(what, response);
}

/**
 * 2xx: done (async: 202 is the gateway's "queued"). 408, 429 and 5xx: worth retrying.
 * Any other status (404 for a removed function, 400 from the function, 401, a redirect):
 * it will answer the same next time, so dead, with the status and the start of the body.
 */
export function classifyAnswer(what: string, response: GatewayResponse): DeliveryResult {
  const { status } = response;
  if (status >= 200 && status < 300) return { outcome: 'done' };
  const reason = `${what}: ${statusText(response)}${bodyStart(response.body)}`;
  if (status === 408 || status === 429 || status >= 500) return { outcome: 'retry', reason };
  return { outcome: 'dead', reason };
}

function statusText(response: GatewayResponse): string {
  return `HTTP ${response.status} ${response.statusText}`.trim();
}

function bodyStart(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (text.length === 0) return '';
  const start = [...text].slice(0, reasonBodyChars).join('');
  return `: ${start}${start.length < text.length ? '…' : ''}`;
}
