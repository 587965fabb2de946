import { z } from 'zod';

/**
 * What a pack says it needs from the host: binaries on the PATH, environment variables, install
 * steps. Imported skills declare these in their front matter; they are recorded here for a
 * reviewer to confirm and are never granted by being declared (a tool still gets only its own
 * mounts, egress and limits, and an unreviewed pack is refused outside dev by admission).
 */
export const packNeedsSchema = z
  .object({
    binaries: z
      .array(z.string().regex(/^[A-Za-z0-9_.+-]{1,64}$/, 'a program name'))
      .max(32)
      .default([]),
    env: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'an environment variable name'))
      .max(32)
      .default([]),
    install: z
      .array(
        z
          .object({
            kind: z.string().min(1).max(40),
            label: z.string().max(200).optional(),
            /** The package, formula or URL named by the step, as the skill gave it. */
            target: z.string().max(500).optional(),
          })
          .strict(),
      )
      .max(16)
      .default([]),
    /** False until a reviewer confirmed the needs; the import always writes false. */
    reviewed: z.boolean().default(false),
  })
  .strict();

/** A file of the pack that tools run: a relative path without `..`. */
export const packScriptPathSchema = z
  .string()
  .regex(
    /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9_.-]{1,64}(\/[A-Za-z0-9_.-]{1,64}){0,3}$/,
    'a file path inside the pack',
  );

export type PackNeeds = z.infer<typeof packNeedsSchema>;
