// The broker's jars: fetched once by Maven into lib/, marked with the pom.xml they came from.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { paths } from './paths.js';
import { run } from './processes.js';

function pomFingerprint() {
  return crypto.createHash('sha256').update(fs.readFileSync(paths.pom)).digest('hex').slice(0, 16);
}

/** The jars in lib/ were fetched completely, for the current pom.xml. */
export function jarsPresent() {
  try {
    return fs.readFileSync(paths.libMarker, 'utf8').trim() === pomFingerprint();
  } catch {
    return false;
  }
}

/**
 * Fetch the broker jars into lib/ with Maven unless they are there already.
 * @returns {Promise<boolean>} whether it fetched
 */
export async function fetchJars({ log = console.error, force = false } = {}) {
  if (!force && jarsPresent()) return false;
  const mvn = process.env.MVN ?? 'mvn';
  log(`kafka: fetching the broker jars with Maven into ${path.relative(process.cwd(), paths.lib) || '.'} ...`);
  const t0 = Date.now();
  fs.rmSync(paths.lib, { recursive: true, force: true });
  const { code, output } = await run(mvn, ['-q', '-B', '-f', paths.pom, 'dependency:copy-dependencies', `-DoutputDirectory=${paths.lib}`]);
  if (code !== 0) throw new Error(`kafka: Maven failed (${code}):\n${output.trim()}`);
  const jars = fs.readdirSync(paths.lib).filter((f) => f.endsWith('.jar'));
  if (!jars.some((f) => /^kafka_2\.13-.*\.jar$/.test(f))) {
    throw new Error(`kafka: Maven finished but no kafka_2.13 jar in ${paths.lib}:\n${output.trim()}`);
  }
  fs.writeFileSync(paths.libMarker, `${pomFingerprint()}\n`);
  log(`kafka: fetched ${jars.length} jars in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return true;
}
