// The shapes a secret takes on its way into a log line or a file, for the security tests
// (test/integration/security-*.test.ts): a leak rarely shows the value as it was written in
// the config; it shows it escaped for JSON or XML, URL-encoded, or inside a Basic
// authorization header.

export interface Secret {
  /** What it is, for a failure message (never the value). */
  name: string;
  value: string;
  /** For a password sent with HTTP basic auth: the user name it goes with. */
  basicAuthUser?: string;
}

function xmlEscaped(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Every form of `secret` worth looking for, without duplicates. */
export function formsOf(secret: Secret): string[] {
  const { value } = secret;
  const forms = [
    value,
    JSON.stringify(value).slice(1, -1),
    JSON.stringify(JSON.stringify(value)).slice(1, -1),
    xmlEscaped(value),
    encodeURIComponent(value),
  ];
  if (secret.basicAuthUser !== undefined) {
    const credentials = `${secret.basicAuthUser}:${value}`;
    forms.push(Buffer.from(credentials).toString('base64'));
    forms.push(Buffer.from(credentials).toString('base64url'));
  }
  return [...new Set(forms)];
}

/** The secrets (by name, never by value) that appear in `text` in any form. */
export function secretsFoundIn(text: string, secrets: Secret[]): string[] {
  return secrets
    .filter((secret) => formsOf(secret).some((form) => text.includes(form)))
    .map((secret) => secret.name);
}

/** Each line that shows a secret, cut short, with the secret's name: for a failure message. */
export function leaks(lines: string[], secrets: Secret[]): string[] {
  const found: string[] = [];
  for (const line of lines) {
    for (const name of secretsFoundIn(line, secrets)) found.push(`${name}: ${line.slice(0, 300)}`);
  }
  return found;
}
