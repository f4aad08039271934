/**
 * Contends for one singleton until killed; the leadership test starts it as a child process and
 * kills it with SIGKILL while it leads. It tells its parent 'leading' when its work starts.
 * argv: databaseUrl name
 */
import { createLogger } from '../logger.js';
import { lead } from '../store/leadership.js';

const [url, name] = process.argv.slice(2);
lead({
  connectionString: url!,
  name: name!,
  logger: createLogger('lead-under-test', 'warn'),
  run: async () => {
    process.send?.('leading');
    return { stop: async () => undefined };
  },
});
