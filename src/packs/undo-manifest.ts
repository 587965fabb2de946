import { z } from 'zod';

/**
 * How a tool that changes a resource says what its change is and how to undo it. Part of the
 * manifest, so attacker-controlled like the rest: names and paths are patterned and bounded.
 */

const toolName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, starting with a letter');

const fieldPath = z
  .string()
  .max(100)
  .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'a dotted path such as config or health.healthy');

/**
 * Which part of the connector's observation is the state the tool changes (dotted paths into
 * it); conflicts and restores compare only these. Without it, the whole observation counts.
 */
export const observeSchema = z.object({ fields: z.array(fieldPath).min(1).max(20) }).strict();

/**
 * A call that undoes the tool's change: a tool of the same pack and its arguments, where a
 * string `${args.x}`, `${pre.path}`, `${post.path}` or `${output.path}` takes the value of the
 * original call's argument, the resource's state before or after it, or its output.
 */
export const undoSchema = z
  .object({
    tool: toolName,
    args: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/** The undo declarations of one tool, as the manifest holds them. */
export interface UndoDeclarations {
  name: string;
  effect: 'read' | 'write';
  restore?: z.infer<typeof undoSchema>;
  compensate?: z.infer<typeof undoSchema>;
}

/**
 * Problems with a manifest's undo declarations: `restore` (which brings the resource back to its
 * pre-state, and is checked to have done so) and `compensate` (which undoes the effect another
 * way) exclude each other, belong only on write tools, and must name a tool of the same pack.
 */
export function undoProblems(
  tools: readonly UndoDeclarations[],
): Array<{ index: number; message: string }> {
  const names = new Set(tools.map((tool) => tool.name));
  const problems: Array<{ index: number; message: string }> = [];
  tools.forEach((tool, index) => {
    const undo = tool.restore ?? tool.compensate;
    if (undo === undefined) return;
    if (tool.restore !== undefined && tool.compensate !== undefined) {
      problems.push({ index, message: `tool ${tool.name} declares both restore and compensate` });
    }
    if (tool.effect !== 'write') {
      problems.push({ index, message: `tool ${tool.name} reads only; it has nothing to undo` });
    }
    if (!names.has(undo.tool)) {
      problems.push({ index, message: `tool ${tool.name} is undone by unknown tool ${undo.tool}` });
    }
  });
  return problems;
}
