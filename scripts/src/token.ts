/**
 * `npm run token -- <role> [--command-center <id>] [--officer <id>] [--system <id>] [--grant <g>]
 * [--ttl <seconds>]`: prints a signed, expiring bearer token for the running system; for a console,
 * also the URL that opens the console page signed in.
 */
import { parseArgs } from 'node:util';
import { Role, signToken } from '@rapid-search/events';
import { officerUnit } from './officer-unit.js';
import { signingKey } from './signing-keys.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'command-center': { type: 'string' },
    officer: { type: 'string' },
    system: { type: 'string' },
    grant: { type: 'string', multiple: true },
    ttl: { type: 'string' },
  },
});

const role = Role.exclude(['system']).safeParse(positionals[0]);
if (!role.success) {
  console.error(
    'usage: npm run token -- <upstream|console|officer|civil-affairs|lab|auditor> [--command-center <id>] [--officer <id>] [--system <id>] [--grant <grant>] [--ttl <seconds>]',
  );
  process.exit(2);
}
if (role.data === 'console' && !values['command-center']) {
  console.error('a console token names its command center: --command-center <id> (see GET /v1/command-centers)');
  process.exit(2);
}
const sub = values.officer ?? values['command-center'] ?? values.system ?? `${role.data}-dev`;
const token = await signToken(
  {
    sub,
    role: role.data,
    ...(values['command-center'] ? { commandCenterId: values['command-center'] } : {}),
    ...(values.officer ? { officerId: values.officer, unit: officerUnit(values.officer) } : {}),
    ...(values.system ? { upstreamSystemId: values.system } : {}),
    grants: values.grant ?? [],
  },
  signingKey({ create: false }),
  values.ttl === undefined ? undefined : Number(values.ttl),
);
console.log(token);
if (role.data === 'console') {
  // The token rides in the fragment: a browser never sends it to a server or writes it to a log.
  const port = process.env.DISPATCH_PORT ?? '3002';
  console.log(`console: http://127.0.0.1:${port}/console/#token=${token}`);
}
