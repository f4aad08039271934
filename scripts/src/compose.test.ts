import { readFileSync } from 'node:fs';
import t from 'tap';
import { SERVICES } from './services.js';

const compose = readFileSync(new URL('../../../infra/compose.yaml', import.meta.url), 'utf8');

/** The words of a service's `command: [...]` in infra/compose.yaml. */
function composeCommand(name: string): string[] {
  const block = compose.split(/\n(?= {2}\S)/).find((b) => b.startsWith(`  ${name}:`));
  const list = block?.match(/^ {4}command: \[(.*)\]$/m)?.[1];
  if (list === undefined) throw new Error(`no command for ${name} in infra/compose.yaml`);
  return list.split(',').map((word) => word.trim().replace(/^'|'$/g, ''));
}

for (const service of SERVICES) {
  t.test(`given the ${service.name} service, when run by compose, then it gets the V8 flags npm start gives it`, async (t) => {
    const command = composeCommand(service.name);
    const node = command.indexOf('node');
    t.same(command.slice(node + 1, -1), service.nodeOptions);
    t.equal(command.at(-1), `services/${service.name}/dist/main.js`);
  });
}
