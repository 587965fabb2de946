import { z } from 'zod';

// Answers of the fleet manager, a target system: parsed, and stripped to the fields we expect.

/** GET /services */
export const servicesAnswer = z
  .array(
    z.object({
      name: z.string().max(100),
      pid: z.number().int().nullable(),
      healthy: z.boolean(),
    }),
  )
  .max(1000);

/** GET /services/:name/health */
export const healthAnswer = z.object({
  name: z.string().max(100),
  pid: z.number().int().nullable(),
  healthy: z.boolean(),
  status: z.number().int().nullable(),
  detail: z.unknown(),
});

/** GET /services/:name/logs */
export const logsAnswer = z.object({
  name: z.string().max(100),
  lines: z.array(z.string()).max(10_000),
});

/** GET /services/:name/config */
export const configAnswer = z.object({ name: z.string().max(100), config: z.unknown() });

/** POST /services/:name/restart */
export const restartAnswer = z.object({
  name: z.string().max(100),
  pid: z.number().int(),
  healthy: z.boolean(),
  restartedAt: z.string().max(100),
});
