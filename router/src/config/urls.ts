// Checks of the URLs and listen addresses in a config file. Messages never repeat the value:
// a URL with credentials in it would put a password on the screen.

/**
 * The problem with an http(s) URL, completing "address ...", or undefined when it is fine.
 */
export function urlProblem(value: string, example: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be an http or https URL such as ${example}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `must be an http or https URL such as ${example}`;
  }
  if (url.username !== '' || url.password !== '') {
    return 'must not hold a user name or password; put them in auth.secret';
  }
  if (url.hostname === '') return `has no host name; use a URL such as ${example}`;
  return undefined;
}

export interface HostPort {
  /** '' means every interface, as in Go's ":8082". IPv6 hosts keep no brackets. */
  host: string;
  port: number;
}

/** Splits a listen address such as `127.0.0.1:8082` or `[::1]:8082`; undefined when malformed. */
export function splitHostPort(address: string): HostPort | undefined {
  const match = /^(\[([0-9A-Fa-f:.]+)\]|([^\s:[\]]*)):([0-9]{1,5})$/.exec(address);
  if (match === null) return undefined;
  const port = Number(match[4]);
  if (port < 1 || port > 65_535) return undefined;
  return { host: match[2] ?? match[3], port };
}
