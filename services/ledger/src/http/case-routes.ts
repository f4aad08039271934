import {
  Household,
  newId,
  NotFound,
  OfficerRef,
  PackageName,
  Packages,
  Point,
  type PersonalData,
  type PgEventStore,
  type Principal,
  ReasonQuery,
  recordUnmasking,
  type RouteKit,
} from '@rapid-search/events';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { executeCommand, loadCase } from '../case-store.js';
import type { CaseCommand, CommandActor } from '../domain/commands.js';
import { childComparison } from '../audit/comparison.js';
import { caseLeads } from '../audit/leads.js';
import { maskPersonalData, seesPersonalData, sightOf } from '../audit/mask.js';
import { CaseView } from './case-view.js';

const CaseParams = z.object({ caseId: z.string().min(1).max(200) });
const Outcome = z.object({ caseId: z.string(), version: z.number(), appended: z.array(z.string()) });
const Empty = z.object({}).strict().optional();
const CASE_WORK = ['officer'] as const;

type CommandBody = Omit<CaseCommand, 'caseId' | 'actor' | 'at'>;

/** The 一长三包 case file over HTTP: every command is load → decide → append at the loaded version. */
export function registerCaseRoutes(routes: RouteKit, store: PgEventStore, personal: PersonalData): void {
  const command = <B extends z.ZodType>(spec: {
    url: string;
    summary: string;
    body: B;
    roles?: readonly ('officer' | 'civil-affairs')[];
    params?: z.ZodObject;
    toCommand: (body: z.infer<B>, params: Record<string, string>) => CommandBody | Promise<CommandBody>;
  }): void =>
    routes.route({
      method: 'POST',
      url: spec.url,
      summary: spec.summary,
      tags: ['cases'],
      roles: spec.roles ?? CASE_WORK,
      body: spec.body,
      params: spec.params ?? CaseParams,
      responses: { 200: Outcome },
      handler: async ({ body, params, principal, request }) => {
        const p = params as Record<string, string> & { caseId: string };
        const cmd = { ...(await spec.toCommand(body, p)), caseId: p.caseId, actor: actorOf(principal), at: new Date().toISOString() } as CaseCommand;
        const { caseId, version, appended } = await executeCommand(store, cmd, trace(request));
        return { caseId, version, appended };
      },
    });

  command({
    url: '/v1/cases/:caseId/group',
    summary: '专案组成立 — form the case group: a chief at county level or above and an owner for each package',
    body: z.object({ chief: OfficerRef, packages: Packages }),
    toCommand: (b) => ({ kind: 'FormGroup', ...b }),
  });
  command({
    url: '/v1/cases/:caseId/group/chief',
    summary: 'Replace the chief (a group always has exactly one)',
    body: z.object({ chief: OfficerRef, reason: z.string().min(1) }),
    toCommand: (b) => ({ kind: 'ReplaceChief', ...b }),
  });
  command({
    url: '/v1/cases/:caseId/packages/:package/owner',
    summary: 'Reassign the owner of one of the three packages',
    params: CaseParams.extend({ package: PackageName }),
    body: z.object({ owner: z.string().min(1) }),
    toCommand: (b, p) => ({ kind: 'ReassignPackage', package: PackageName.parse(p.package), owner: b.owner }),
  });
  command({
    url: '/v1/cases/:caseId/packages/:package/progress',
    summary: 'Note progress on one package',
    params: CaseParams.extend({ package: PackageName }),
    body: z.object({ note: z.string().min(1) }),
    toCommand: (b, p) => ({ kind: 'NoteProgress', package: PackageName.parse(p.package), note: b.note }),
  });
  command({
    url: '/v1/cases/:caseId/solve',
    summary: '破案 — the case is solved',
    body: z.object({ summary: z.string().min(1) }),
    toCommand: (b) => ({ kind: 'SolveCase', ...b }),
  });
  command({
    url: '/v1/cases/:caseId/group/dissolve',
    summary: '专案组撤销 — only after the case is solved (409 CASE_NOT_SOLVED)',
    body: z.object({ reason: z.string().min(1) }),
    toCommand: (b) => ({ kind: 'DissolveGroup', ...b }),
  });
  command({
    url: '/v1/cases/:caseId/rescue',
    summary: '解救 — the child is rescued, from the household they were found in',
    body: z.object({ foundAt: Point.extend({ address: z.string().optional() }), household: Household.optional() }),
    toCommand: (b) => ({ kind: 'RescueChild', foundAt: b.foundAt, ...(b.household ? { household: b.household } : {}) }),
  });
  command({
    url: '/v1/cases/:caseId/parents-identified',
    summary: '查明父母 — a verified identification (DNA matches arrive from dispatch)',
    body: z.object({ evidenceRef: z.string().min(1) }),
    toCommand: (b) => ({ kind: 'IdentifyParents', method: 'verified-identification', evidenceRef: b.evidenceRef }),
  });
  command({
    url: '/v1/cases/:caseId/return-to-parents',
    summary: '送还亲生父母 — only once the parents are identified (409 PARENTS_NOT_IDENTIFIED)',
    body: z.object({ notes: z.string().min(1).optional() }),
    toCommand: (b) => ({ kind: 'ReturnToParents', ...(b.notes ? { notes: b.notes } : {}) }),
  });
  command({
    url: '/v1/cases/:caseId/handover',
    summary: '移交民政 — hand the child and the case materials to a civil-affairs institution (409 PLACEMENT_WITH_BUYING_FAMILY)',
    body: z.object({
      handoverId: z.string().min(1).optional(),
      institution: z.object({ id: z.string().min(1), name: z.string().min(1), kind: z.enum(['rescue-protection', 'children-welfare']) }),
      foundInHouseholdId: z.string().min(1).optional(),
      placement: z.object({ kind: z.enum(['institution', 'household']), id: z.string().min(1) }).optional(),
      childLocation: Point,
      materials: z.array(z.string().min(1)).min(1),
    }),
    toCommand: (b) => ({
      kind: 'InitiateHandover',
      handoverId: b.handoverId ?? newId(),
      institution: b.institution,
      placement: b.placement ?? { kind: 'institution', id: b.institution.id },
      childLocation: b.childLocation,
      materials: b.materials,
      ...(b.foundInHouseholdId ? { foundInHouseholdId: b.foundInHouseholdId } : {}),
    }),
  });
  command({
    url: '/v1/cases/:caseId/handover/accept',
    summary: '民政部门接收 — civil affairs accepts the handover',
    roles: ['civil-affairs'],
    body: z.object({ handoverId: z.string().min(1).optional() }).optional(),
    toCommand: (b) => ({ kind: 'AcceptHandover', ...(b?.handoverId ? { handoverId: b.handoverId } : {}) }),
  });
  command({
    url: '/v1/cases/:caseId/dedicated-file',
    summary: '专门档案 — the residence police station opens the dedicated file after the handover',
    body: z.object({ policeStationId: z.string().min(1) }),
    toCommand: (b) => ({ kind: 'OpenDedicatedFile', ...b }),
  });
  command({
    url: '/v1/cases/:caseId/follow-ups',
    summary: 'A follow-up visit under the dedicated file',
    body: z.object({ notes: z.string().min(1) }),
    toCommand: (b) => ({ kind: 'RecordFollowUp', ...b }),
  });
  command({
    url: '/v1/cases/:caseId/registration-eligibility',
    summary: "落户 — parents still unidentified 12 months after the handover, and the child's record cleared by the registration gate",
    body: z.object({ childRef: z.string().min(1).max(200).describe("the child's record at dispatch's registration gate (落户核查)") }),
    toCommand: async (b) => ({
      kind: 'RecordRegistrationEligibility',
      childRef: b.childRef,
      comparison: await childComparison(store.pool, b.childRef),
    }),
  });
  command({
    url: '/v1/cases/:caseId/lead-rewards',
    summary: '有效线索奖励 — once the child is rescued, a confirmed lead of the case is recorded as having helped',
    body: z.object({ tipId: z.string().min(1).max(200).describe('the tip reference the tipster was given') }),
    toCommand: async (b, p) => ({ kind: 'RecordLeadReward', tipId: b.tipId, leads: await caseLeads(store.pool, personal, p.caseId!) }),
  });
  command({
    url: '/v1/cases/:caseId/supervision',
    summary: '挂牌督办 — the joint-meeting office lists the case (officer with grant joint-meeting-office)',
    body: z.object({ reason: z.string().min(1) }),
    toCommand: (b) => ({ kind: 'ListForSupervision', ...b }),
  });
  command({
    url: '/v1/cases/:caseId/supervision/lift',
    summary: 'The joint-meeting office takes the case off the supervision list',
    body: Empty,
    toCommand: () => ({ kind: 'LiftSupervision' }),
  });

  routes.route({
    method: 'GET',
    url: '/v1/cases/:caseId',
    summary:
      "The case file as it stands (personal data masked unless the caller needs it; under the grant, with a reason, recorded; '[erased]' once erased)",
    tags: ['cases'],
    roles: ['officer', 'civil-affairs', 'auditor'],
    params: CaseParams,
    query: ReasonQuery,
    responses: { 200: CaseView },
    handler: async ({ params, query, principal, request }) => {
      const { state, exercise } = await loadCase(store, params.caseId);
      if (!state.opened) throw new NotFound('case', params.caseId);
      await recordUnmasking(store, request, {
        reader: principal,
        sight: sightOf(principal),
        scope: { kind: 'case', caseId: params.caseId },
        reason: query.reason,
      });
      return { ...(seesPersonalData(principal) ? await personal.open(state) : maskPersonalData(state)), exercise };
    },
  });
}

export function actorOf(principal: Principal): CommandActor {
  const actor: CommandActor = {
    id: principal.officerId ?? principal.sub,
    role: principal.role,
    grants: principal.grants,
    ...(principal.unit ? { unit: principal.unit } : {}),
  };
  return principal.commandCenterId ? { ...actor, commandCenterId: principal.commandCenterId } : actor;
}

function trace(request: FastifyRequest): { correlationId: string; causationId: null } {
  return { correlationId: String(request.id), causationId: null };
}
