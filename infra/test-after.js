import { after } from './test-services.js';

after().catch((error) => {
  console.error(`test-services: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
