import { before } from './test-services.js';

before().catch((error) => {
  console.error(`test-services: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
