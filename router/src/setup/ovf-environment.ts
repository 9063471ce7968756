// Reads the OVF environment document vSphere hands the VM (through VMware Tools' guestinfo
// transport) and returns its properties. The values sit in XML attributes, so a real parser
// decodes them: `&amp;`, `&lt;`, `&quot;`, `&#10;`, non-ASCII all arrive as the user typed them.
// Only the appliance's own PropertySection counts; the sections vSphere adds for nested
// entities and for the platform are ignored.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';
import { SetupInputError } from './problems';

const ovfEnvironmentNs = 'http://schemas.dmtf.org/ovf/environment/1';

/** The vmtoolsd call that prints the OVF environment inside a VM deployed from the OVA. */
export const vmtoolsdArgs = ['--cmd', 'info-get guestinfo.ovfEnv'];
const vmtoolsdTimeoutMs = 30_000;

/** Where the document came from, for messages: a file path or `vmtoolsd`. */
export interface OvfEnvironmentSource {
  ovfEnvFile?: string;
  /** The environment vmtoolsd runs in (its PATH finds it). */
  env?: NodeJS.ProcessEnv;
}

export function readOvfEnvironmentText(source: OvfEnvironmentSource): {
  text: string;
  origin: string;
} {
  if (source.ovfEnvFile !== undefined) {
    const origin = `OVF environment file ${source.ovfEnvFile}`;
    try {
      return { text: readFileSync(source.ovfEnvFile, 'utf8'), origin };
    } catch (error) {
      throw new SetupInputError([`${origin}: cannot be read (${(error as Error).message})`]);
    }
  }
  const origin = 'OVF environment from vmtoolsd';
  const result = spawnSync('vmtoolsd', vmtoolsdArgs, {
    encoding: 'utf8',
    env: source.env,
    timeout: vmtoolsdTimeoutMs,
  });
  if (result.error !== undefined) {
    throw new SetupInputError([`${origin}: vmtoolsd could not run (${result.error.message})`]);
  }
  if (result.status !== 0 || result.stdout.trim() === '') {
    throw new SetupInputError([
      `${origin}: none was given to this VM (vmtoolsd exit ${String(result.status)}). ` +
        'Deploy the appliance from its OVA so vSphere passes the OVF properties, or check ' +
        "that the VM's vApp options are enabled with the VMware Tools transport",
    ]);
  }
  return { text: result.stdout, origin };
}

/**
 * The properties of the document's own PropertySection, key to value, values exactly as
 * typed. Throws SetupInputError for a document that is not well-formed or not an OVF
 * environment, and for a key given twice.
 */
export function parseOvfEnvironment(text: string, origin: string): Map<string, string> {
  const properties = new Map<string, string>();
  const problems: string[] = [];
  const openElements: string[] = [];
  let rootSeen = false;
  const parser = new SaxesParser({ xmlns: true, position: true });

  parser.on('opentag', (tag: SaxesTagNS) => {
    const name = tag.uri === ovfEnvironmentNs ? tag.local : `{${tag.uri}}${tag.local}`;
    if (openElements.length === 0) {
      rootSeen = true;
      if (name !== 'Environment') problems.push(`${origin}: the root element is not Environment`);
    }
    openElements.push(name);
    const path = openElements.join('/');
    if (path === 'Environment/PropertySection/Property') {
      readProperty(tag.attributes, properties, problems, origin);
    }
  });
  parser.on('closetag', () => {
    openElements.pop();
  });
  parser.on('error', (error: Error) => {
    // saxes messages carry the line and column and no attribute values.
    throw new SetupInputError([`${origin}: not well-formed XML: ${error.message}`]);
  });
  parser.write(text).close();

  if (!rootSeen) problems.push(`${origin}: the document is empty`);
  if (problems.length > 0) throw new SetupInputError(problems);
  return properties;
}

function readProperty(
  attributes: Record<string, SaxesAttributeNS>,
  properties: Map<string, string>,
  problems: string[],
  origin: string,
): void {
  const key = attributeValue(attributes, 'key');
  const value = attributeValue(attributes, 'value');
  if (key === undefined) {
    problems.push(`${origin}: a Property has no key attribute`);
    return;
  }
  if (properties.has(key)) {
    problems.push(`${origin}: property ${key} is given twice`);
    return;
  }
  properties.set(key, value ?? '');
}

/** oe:key as vSphere writes it; an unprefixed key from hand-written documents also counts. */
function attributeValue(
  attributes: Record<string, SaxesAttributeNS>,
  local: string,
): string | undefined {
  for (const attribute of Object.values(attributes)) {
    if (
      attribute.local === local &&
      (attribute.uri === ovfEnvironmentNs || attribute.uri === '')
    ) {
      return attribute.value;
    }
  }
  return undefined;
}
