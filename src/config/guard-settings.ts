import { z } from 'zod';

const action = z.enum(['allow', 'redact', 'block', 'needs-approval']);

/** One action per data class; classes left out keep the guard's default. */
const classRules = z
  .object({
    email: action.optional(),
    phone: action.optional(),
    card: action.optional(),
    iban: action.optional(),
    'us-ssn': action.optional(),
    'uk-nino': action.optional(),
    'ip-address': action.optional(),
    secret: action.optional(),
  })
  .strict();

const DEFAULT_BUDGETS = {
  runBytes: 1024 * 1024,
  runRecords: 1000,
  destinationBytes: 256 * 1024,
  destinationRecords: 100,
};

/**
 * The data guard's settings: data rules per destination class over the guard's defaults (the
 * guard refuses any that would let a secret reach the model or leave), and egress budgets per
 * run and per destination, in bytes and records (distinct personal-data values).
 */
export const guardSettingsSchema = z
  .object({
    rules: z
      .object({
        internal: classRules.optional(),
        external: classRules.optional(),
        model: classRules.optional(),
      })
      .strict()
      .default({}),
    budgets: z
      .object({
        runBytes: z
          .number()
          .int()
          .min(0)
          .max(2 ** 40)
          .default(DEFAULT_BUDGETS.runBytes),
        runRecords: z.number().int().min(0).max(1e9).default(DEFAULT_BUDGETS.runRecords),
        destinationBytes: z
          .number()
          .int()
          .min(0)
          .max(2 ** 40)
          .default(DEFAULT_BUDGETS.destinationBytes),
        destinationRecords: z
          .number()
          .int()
          .min(0)
          .max(1e9)
          .default(DEFAULT_BUDGETS.destinationRecords),
      })
      .strict()
      .default(DEFAULT_BUDGETS),
  })
  .strict()
  .default({ rules: {}, budgets: DEFAULT_BUDGETS });

/** The guard's settings as validated. */
export type GuardConfig = z.infer<typeof guardSettingsSchema>;
