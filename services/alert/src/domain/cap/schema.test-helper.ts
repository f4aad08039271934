import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The OASIS CAP 1.2 schema as kept in the repository, and a standard validator (libxml2's xmllint). */
const XSD = fileURLToPath(new URL('../../../cap/CAP-v1.2.xsd', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cap-'));
let written = 0;

/** Throws, with xmllint's words, unless the document is well-formed (and, given a schema, valid). */
function xmllint(xml: string, schema: string[]): void {
  const file = join(dir, `${++written}.xml`);
  writeFileSync(file, xml);
  execFileSync('xmllint', ['--noout', '--nonet', ...schema, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export const validateCap = (xml: string): void => xmllint(xml, ['--schema', XSD]);
export const wellFormed = (xml: string): void => xmllint(xml, []);
