import { NotFound, RuleViolation, type Decider, type DomainEvent } from '@rapid-search/events';
import { linkChild, type CaseOfProfile, type ChildRecord, type LinkedCase } from './child-link.js';
import { needCustodian, type CustodyActor } from './custody-access.js';
import { evolveTask, type TaskState } from './task.js';

/** Chain of custody of one sample, in the only order the rules allow. */
export type SampleStage = 'collected' | 'sealed' | 'received' | 'profiled' | 'matched' | 'no-match';

export interface DnaState {
  samples: Map<string, SampleStage>;
  /** Every match reported so far, in order, to recognise the confirming re-test. */
  matches: { sampleId: string; matchRef: string }[];
  parentsIdentified: boolean;
  /** A child of unknown origin's record, when the task samples one, and the case it was linked to. */
  child?: ChildRecord;
  linkedCase?: LinkedCase;
}

export const dnaStream = (taskId: string): string => `dna-${taskId}`;

export function emptyDna(): DnaState {
  return { samples: new Map(), matches: [], parentsIdentified: false };
}

export function evolveDna(state: DnaState, event: DomainEvent): DnaState {
  const stage = (sampleId: string, s: SampleStage): DnaState => ({ ...state, samples: new Map(state.samples).set(sampleId, s) });
  switch (event.type) {
    case 'DnaSampleCollected':
      return stage(event.data.sampleId, 'collected');
    case 'DnaSampleSealed':
      return stage(event.data.sampleId, 'sealed');
    case 'DnaSampleReceivedByLab':
      return stage(event.data.sampleId, 'received');
    case 'DnaProfileEntered':
      return stage(event.data.sampleId, 'profiled');
    case 'DnaMatchFound':
      return {
        ...stage(event.data.sampleId, 'matched'),
        matches: [...state.matches, { sampleId: event.data.sampleId, matchRef: event.data.matchRef }],
      };
    case 'DnaNoMatchFound':
      return stage(event.data.sampleId, 'no-match');
    case 'ParentsIdentifiedByDna':
      return { ...state, parentsIdentified: true };
    case 'UnknownOriginChildRecorded': {
      const { childRef, place, placement } = event.data;
      return { ...state, child: { childRef, place, ...(placement ? { placement } : {}) } };
    }
    case 'UnknownOriginChildMatchedToCase':
      return { ...state, linkedCase: { caseId: event.data.caseId, regionCode: event.data.caseRegionCode } };
    default:
      return state;
  }
}

function dnaTask(task: TaskState | null, taskId: string): TaskState {
  if (!task) throw new NotFound('task', taskId);
  if (task.kind !== 'dna-sampling') throw new RuleViolation('NOT_A_DNA_TASK', `task ${taskId} is not a DNA-sampling task`);
  return task;
}

function requireStage(state: DnaState, sampleId: string, allowed: readonly SampleStage[], step: string): void {
  const current = state.samples.get(sampleId);
  if (!current) throw new NotFound('DNA sample', sampleId);
  if (!allowed.includes(current)) {
    throw new RuleViolation('DNA_CUSTODY_ORDER', `sample ${sampleId} is ${current}; ${step} needs it to be ${allowed.join(' or ')}`, {
      details: { sampleId, stage: current, expected: allowed },
    });
  }
}

interface Cmd extends CustodyActor {
  taskId: string;
  sampleId: string;
  now: Date;
}

export type LabResult = { result: 'profile-entered'; profileRef: string } | { result: 'match'; matchRef: string } | { result: 'no-match' };

export type DnaCommand =
  | ({ kind: 'Collect'; donor: 'mother' | 'father' | 'guardian' | 'child' } & Cmd)
  | ({ kind: 'Seal'; sealNumber: string } & Cmd)
  | ({ kind: 'Receive'; labId: string } & Cmd)
  | ({ kind: 'LabResult'; labId: string; caseOfMatch?: CaseOfProfile | undefined } & Cmd & LabResult);

/** What a step of custody is decided on: the DNA-sampling task and the custody of its samples. */
export interface DnaCustody {
  task: TaskState | null;
  dna: DnaState;
}

/**
 * The custody of a task's samples, in `dna-<taskId>`; the task itself is read from its own stream
 * (`reads` of the command handler) and folded in first.
 */
export const dnaDecider: Decider<DnaCommand, DnaCustody> = {
  initialState: () => ({ task: null, dna: emptyDna() }),
  evolve: (state, event) => ({ task: evolveTask(state.task, event), dna: evolveDna(state.dna, event) }),
  decide: (command, { task, dna }) => {
    switch (command.kind) {
      case 'Collect':
        return collect(task, dna, command);
      case 'Seal':
        return seal(task, dna, command);
      case 'Receive':
        return receive(task, dna, command);
      case 'LabResult':
        return labResult(task, dna, command);
    }
  },
};

/** 采血: only police collect DNA, never a lab or anyone else. */
function collect(task: TaskState | null, state: DnaState, cmd: Extract<DnaCommand, { kind: 'Collect' }>): DomainEvent[] {
  const t = dnaTask(task, cmd.taskId);
  needCustodian(t, cmd);
  if (state.samples.has(cmd.sampleId)) throw new RuleViolation('DNA_SAMPLE_EXISTS', `sample ${cmd.sampleId} was already collected`);
  const { taskId, caseId } = t;
  return [
    {
      type: 'DnaSampleCollected',
      data: { taskId, caseId, sampleId: cmd.sampleId, donor: cmd.donor, collectedBy: cmd.actor.id, collectedAt: cmd.now.toISOString() },
    },
  ];
}

function seal(task: TaskState | null, state: DnaState, cmd: Extract<DnaCommand, { kind: 'Seal' }>): DomainEvent[] {
  const t = dnaTask(task, cmd.taskId);
  needCustodian(t, cmd);
  const { taskId, caseId } = t;
  requireStage(state, cmd.sampleId, ['collected'], 'sealing');
  return [
    {
      type: 'DnaSampleSealed',
      data: { taskId, caseId, sampleId: cmd.sampleId, sealNumber: cmd.sealNumber, sealedBy: cmd.actor.id, sealedAt: cmd.now.toISOString() },
    },
  ];
}

function receive(task: TaskState | null, state: DnaState, cmd: Extract<DnaCommand, { kind: 'Receive' }>): DomainEvent[] {
  const { taskId, caseId } = dnaTask(task, cmd.taskId);
  requireStage(state, cmd.sampleId, ['sealed'], 'receipt by the lab');
  return [
    {
      type: 'DnaSampleReceivedByLab',
      data: { taskId, caseId, sampleId: cmd.sampleId, labId: cmd.labId, receivedBy: cmd.actor.id, receivedAt: cmd.now.toISOString() },
    },
  ];
}

const TESTED: readonly SampleStage[] = ['profiled', 'matched', 'no-match'];

/**
 * 入库比对: a profile is entered once the lab holds the sealed sample; a match is only acted on
 * when a second result confirms the same match reference: then the parents are identified, or,
 * for a child of unknown origin, the child is linked to the case of the parents it matched
 * (`caseOfMatch`, looked up from the match reference before deciding).
 */
function labResult(task: TaskState | null, state: DnaState, cmd: Extract<DnaCommand, { kind: 'LabResult' }>): DomainEvent[] {
  const { taskId, caseId, childRef } = dnaTask(task, cmd.taskId);
  const { sampleId, labId } = cmd;
  const at = cmd.now.toISOString();
  switch (cmd.result) {
    case 'profile-entered':
      requireStage(state, sampleId, ['received'], 'entering the profile');
      return [{ type: 'DnaProfileEntered', data: { taskId, caseId, sampleId, labId, profileRef: cmd.profileRef, enteredAt: at } }];
    case 'no-match':
      requireStage(state, sampleId, TESTED, 'a comparison result');
      return [{ type: 'DnaNoMatchFound', data: { taskId, caseId, sampleId, labId, reportedAt: at } }];
    case 'match': {
      requireStage(state, sampleId, TESTED, 'a comparison result');
      if (state.parentsIdentified) {
        throw new RuleViolation('PARENTS_ALREADY_IDENTIFIED', `the parents for task ${taskId} are already identified`);
      }
      if (state.linkedCase) throw new RuleViolation('CHILD_ALREADY_LINKED', `the child of task ${taskId} is already linked to a case`);
      const earlier = state.matches.filter((m) => m.matchRef === cmd.matchRef);
      const found: DomainEvent = {
        type: 'DnaMatchFound',
        data: { taskId, caseId, sampleId, labId, matchRef: cmd.matchRef, confirmation: earlier.length > 0 ? 'confirming' : 'initial', foundAt: at },
      };
      if (earlier.length === 0) return [found];
      // A child's confirmed match names other parents than any of its own record: it links the
      // child to their case and identifies no parents of this record.
      if (childRef) return [found, ...linkChild(state.child, { taskId, sampleId, at }, cmd.caseOfMatch)];
      const sampleIds = [...new Set([...earlier.map((m) => m.sampleId), sampleId])];
      return [found, { type: 'ParentsIdentifiedByDna', data: { taskId, caseId, sampleIds, matchRef: cmd.matchRef, identifiedAt: at } }];
    }
  }
}
