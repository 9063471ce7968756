// The proxy settings. People paste proxies with quotes and spaces around them
// (`"http://proxy:3128" `), which hung the original appliance's install; here both are trimmed
// and the rest must be a plain http(s)://host:port. Credentials come from their own properties
// and are percent-encoded into the URL, so whatever they contain, the URL holds only URL-safe
// characters and is safe in an environment file.
import type { Parsed } from './fields';

export interface ProxySettings {
  /** http://[user:password@]host:port/ or undefined; carries a secret when credentials are set. */
  httpProxy?: string;
  httpsProxy?: string;
  /** Always includes localhost and 127.0.0.1: the router reaches faasd there. */
  noProxy: string[];
  hasCredentials: boolean;
}

/** Removes spaces and quotes (single, double, typographic) around a pasted value. */
export function trimPasted(text: string): string {
  return text.replace(/^[\s"'\u2018\u2019\u201c\u201d]+|[\s"'\u2018\u2019\u201c\u201d]+$/g, '');
}

/** A proxy URL reduced to `scheme://host:port`, credentials and paths refused. */
export function parseProxyUrl(text: string): Parsed<string> {
  const reason = 'must be a URL such as http://proxy.example.com:3128';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason };
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: 'must not contain a user name or password (use proxy_username)' };
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    return { ok: false, reason: `${reason}, without a path` };
  }
  return { ok: true, value: `${url.protocol}//${url.host}` };
}

export function parseNoProxy(text: string): Parsed<string[]> {
  const items = trimPasted(text)
    .split(/[\s,]+/)
    .map(trimPasted)
    .filter((item) => item !== '');
  if (items.some((item) => !/^[A-Za-z0-9._*:/[\]-]+$/.test(item))) {
    return { ok: false, reason: 'must be host names, domains or addresses separated by commas' };
  }
  return { ok: true, value: [...new Set(['localhost', '127.0.0.1', ...items])] };
}

/** Every byte outside the URL's unreserved set percent-encoded, `!'()*` included. */
export function encodeUserInfo(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function withCredentials(proxy: string, username: string, password: string): string {
  if (username === '') return `${proxy}/`;
  const userInfo =
    password === ''
      ? encodeUserInfo(username)
      : `${encodeUserInfo(username)}:${encodeUserInfo(password)}`;
  return proxy.replace('://', `://${userInfo}@`) + '/';
}
