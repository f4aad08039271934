import type { Decider } from '@rapid-search/events';
import type { CaseCommand } from './commands.js';
import { decide } from './decide.js';
import { evolve, initialState, type CaseState } from './state.js';

/** One case's aggregate (案件): the rules of `decide` over the state its events leave. */
export const caseFile = (caseId: string): Decider<CaseCommand, CaseState> => ({ decide, evolve, initialState: () => initialState(caseId) });
