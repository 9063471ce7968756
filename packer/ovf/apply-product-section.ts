// Puts the appliance's vApp properties into the OVF descriptor Packer exported, before the OVA
// is packed: the ProductSection from appliance/ovf/product-section.ovf.xml (version filled in)
// goes after the VirtualHardwareSection, which gets the VMware Tools (guestinfo) transport so
// vSphere hands the property values to the VM. The manifest's digest of the descriptor is
// brought up to date, or the OVA would be refused as tampered with.
//
//   node --import tsx packer/ovf/apply-product-section.ts OVF_FILE TEMPLATE VERSION FULL_VERSION
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { SaxesParser, type SaxesTagNS } from 'saxes';

const ovfNs = 'http://schemas.dmtf.org/ovf/envelope/1';
const guestInfoTransport = 'com.vmware.guestInfo';

function escapeXmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The template's ProductSection element with the version filled in, without its prolog. */
export function renderProductSection(template: string, version: string, fullVersion: string) {
  const start = template.indexOf('<ProductSection');
  if (start === -1) throw new Error('the template has no ProductSection');
  return template
    .slice(start)
    .trimEnd()
    .replaceAll('{{VERSION}}', escapeXmlText(version))
    .replaceAll('{{FULL_VERSION}}', escapeXmlText(fullVersion));
}

/** The descriptor with our ProductSection in place of any it had, and the transport set. */
export function applyProductSection(descriptor: string, productSection: string): string {
  const withoutOld = descriptor.replace(
    /\s*<((?:[\w-]+:)?)ProductSection\b[\s\S]*?<\/\1ProductSection>/g,
    '',
  );
  const hardwareOpen = /<((?:[\w-]+:)?)VirtualHardwareSection\b([^>]*)>/.exec(withoutOld);
  if (hardwareOpen === null) throw new Error('the descriptor has no VirtualHardwareSection');
  const prefix = hardwareOpen[1] ?? '';
  // Drop a transport and an ovf prefix declaration of an earlier run before adding both.
  let attributes = (hardwareOpen[2] ?? '')
    .replace(/\s+(?:[\w-]+:)?transport="[^"]*"/, '')
    .replace(/\s+xmlns:ovf="[^"]*"/, '');
  attributes += ` xmlns:ovf="${ovfNs}" ovf:transport="${guestInfoTransport}"`;
  const opened = withoutOld.replace(
    hardwareOpen[0],
    `<${prefix}VirtualHardwareSection${attributes}>`,
  );
  const closeTag = `</${prefix}VirtualHardwareSection>`;
  const closeAt = opened.indexOf(closeTag);
  if (closeAt === -1) throw new Error('the VirtualHardwareSection is not closed');
  const insertAt = closeAt + closeTag.length;
  const result = `${opened.slice(0, insertAt)}\n    ${productSection}${opened.slice(insertAt)}`;
  checkResult(result);
  return result;
}

/** Parses the result: well-formed, one ProductSection in the OVF namespace, the transport. */
function checkResult(descriptor: string): void {
  let productSections = 0;
  let transport: string | undefined;
  const parser = new SaxesParser({ xmlns: true });
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (tag.uri !== ovfNs) return;
    if (tag.local === 'ProductSection') productSections += 1;
    if (tag.local === 'VirtualHardwareSection') {
      transport = Object.values(tag.attributes).find(
        (a) => a.local === 'transport' && a.uri === ovfNs,
      )?.value;
    }
  });
  parser.on('error', (error: Error) => {
    throw new Error(`the new descriptor is not well-formed XML: ${error.message}`);
  });
  parser.write(descriptor).close();
  if (productSections !== 1)
    throw new Error(`expected 1 ProductSection, found ${productSections}`);
  if (transport !== guestInfoTransport) throw new Error('the guestinfo transport is not set');
}

/** Rewrites the digest lines (`SHA256(name.ovf)= hex`) of one file in a manifest. */
export function updateManifest(manifest: string, fileName: string, content: Buffer): string {
  let found = false;
  const updated = manifest.replace(
    /^(SHA1|SHA256|SHA512)\(([^)]+)\)= ?[0-9a-fA-F]+$/gm,
    (line, algorithm: string, name: string) => {
      if (name !== fileName) return line;
      found = true;
      const digest = createHash(algorithm.toLowerCase()).update(content).digest('hex');
      return `${algorithm}(${name})= ${digest}`;
    },
  );
  if (!found) throw new Error(`the manifest has no digest for ${fileName}`);
  return updated;
}

function main(argv: string[]): void {
  const [ovfFile, templateFile, version, fullVersion] = argv;
  if (ovfFile === undefined || templateFile === undefined || version === undefined) {
    throw new Error('usage: apply-product-section.ts OVF_FILE TEMPLATE VERSION [FULL_VERSION]');
  }
  const productSection = renderProductSection(
    readFileSync(templateFile, 'utf8'),
    version,
    fullVersion ?? version,
  );
  const descriptor = applyProductSection(readFileSync(ovfFile, 'utf8'), productSection);
  writeFileSync(ovfFile, descriptor);
  const manifestFile = ovfFile.replace(/\.ovf$/, '.mf');
  if (existsSync(manifestFile)) {
    const manifest = readFileSync(manifestFile, 'utf8');
    writeFileSync(
      manifestFile,
      updateManifest(manifest, basename(ovfFile), Buffer.from(descriptor)),
    );
  }
  process.stdout.write(`added the vApp properties to ${ovfFile}\n`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`apply-product-section: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
