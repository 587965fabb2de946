import type { AgentRecord } from '../store/index.js';

/** The local users `castellan init` creates, one per role, two of the roles that need a second person. */
export const DEMO_USERS: Array<{ id: string; displayName: string; roles: string[] }> = [
  { id: 'admin', displayName: 'Ada Admin', roles: ['admin'] },
  { id: 'operator', displayName: 'Otto Operator', roles: ['operator'] },
  { id: 'operator2', displayName: 'Olga Operator', roles: ['operator'] },
  { id: 'approver', displayName: 'Arno Approver', roles: ['approver'] },
  { id: 'approver2', displayName: 'Anna Approver', roles: ['approver'] },
  { id: 'auditor', displayName: 'Audrey Auditor', roles: ['auditor'] },
  { id: 'secadmin', displayName: 'Sven Security', roles: ['security-admin'] },
  { id: 'publisher', displayName: 'Paula Publisher', roles: ['publisher'] },
  { id: 'finance-approver', displayName: 'Fiona Finance', roles: ['approver:finance'] },
];

/** The demo agents: each pinned to its packs, with standing scope grants. */
export const DEMO_AGENTS: Array<Omit<AgentRecord, 'orgId' | 'createdAt'>> = [
  {
    id: 'itops-agent',
    description: 'Diagnoses a failing service in the fleet and proposes a restart.',
    owner: 'admin',
    environment: 'dev',
    packs: ['@castellan/itops'],
    scopes: [
      'itops:fleet.read',
      'itops:service.read',
      'itops:logs.read',
      'itops:config.read',
      'itops:config.write',
      'itops:service.restart',
    ],
    planner: { kind: 'playbook', playbook: 'diagnose-and-restart' },
  },
  {
    id: 'itops-readonly',
    description: 'Reads fleet status and logs; holds no scope to change anything.',
    owner: 'admin',
    environment: 'dev',
    packs: ['@castellan/itops'],
    scopes: ['itops:fleet.read', 'itops:service.read', 'itops:logs.read', 'itops:config.read'],
    planner: { kind: 'playbook', playbook: 'diagnose-and-restart' },
  },
  {
    id: 'rnd-agent',
    description: 'Provisions a test environment in the sandbox from the signed R&D pack.',
    owner: 'admin',
    environment: 'dev',
    packs: ['@castellan/rnd'],
    scopes: ['rnd:env.provision'],
    planner: { kind: 'playbook', playbook: 'provision-test-env' },
  },
  {
    id: 'finance-agent',
    description: 'Reconciles the bank statement against the books and proposes adjustments.',
    owner: 'admin',
    environment: 'dev',
    packs: ['@castellan/finance'],
    scopes: [
      'finance:ledger.read',
      'finance:ledger.reconcile',
      'finance:ledger.post',
      'finance:payment.send',
    ],
    planner: { kind: 'playbook', playbook: 'reconcile-and-propose' },
  },
  {
    id: 'compliance-agent',
    description: 'Collects the records of a legal matter under a litigation hold.',
    owner: 'admin',
    environment: 'dev',
    packs: ['@castellan/compliance'],
    scopes: [
      'compliance:records.read',
      'compliance:records.hold',
      'compliance:records.archive',
      'compliance:records.share',
      'compliance:records.delete',
    ],
    planner: { kind: 'playbook', playbook: 'collect-matter' },
  },
];
