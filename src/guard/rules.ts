import {
  DATA_CLASSES,
  PII_CLASSES,
  type DataClass,
  type DestinationClass,
} from './data-classes.js';

/** What happens to a value of a data class on its way to a destination. */
export type DataAction = 'allow' | 'redact' | 'block' | 'needs-approval';

/** One action per data class for each destination class. */
export type DataRules = Record<DestinationClass, Record<DataClass, DataAction>>;

/** Overrides as configuration gives them: any subset of destinations and classes. */
export type DataRuleOverrides = Partial<
  Record<DestinationClass, Partial<Record<DataClass, DataAction>>>
>;

function every(
  action: DataAction,
  except: Partial<Record<DataClass, DataAction>>,
): Record<DataClass, DataAction> {
  return Object.fromEntries(DATA_CLASSES.map((name) => [name, except[name] ?? action])) as Record<
    DataClass,
    DataAction
  >;
}

const pii = (action: DataAction): Partial<Record<DataClass, DataAction>> =>
  Object.fromEntries(PII_CLASSES.map((name) => [name, action]));

/**
 * The defaults: secrets go nowhere (connectors inject credentials; a secret in a tool result is
 * replaced before the model sees it); personal data is replaced by placeholders toward the
 * model and blocked toward external parties unless a policy allows the class for the call;
 * internal systems receive what they are sent.
 */
export const DEFAULT_DATA_RULES: DataRules = {
  internal: every('allow', { secret: 'block' }),
  external: every('allow', { ...pii('block'), secret: 'block' }),
  model: every('allow', { ...pii('redact'), secret: 'redact' }),
};

/** The floor no configuration lowers: a secret is never allowed to the model or outside. */
const FLOOR: Array<{ destination: DestinationClass; dataClass: DataClass; allowed: DataAction[] }> =
  [
    { destination: 'model', dataClass: 'secret', allowed: ['redact', 'block'] },
    { destination: 'external', dataClass: 'secret', allowed: ['block'] },
    {
      destination: 'internal',
      dataClass: 'secret',
      allowed: ['block', 'needs-approval', 'redact'],
    },
  ];

/** Error text for a configuration that would lower the floor; undefined when it keeps it. */
export function floorViolation(overrides: DataRuleOverrides): string | undefined {
  for (const { destination, dataClass, allowed } of FLOOR) {
    const action = overrides[destination]?.[dataClass];
    if (action !== undefined && !allowed.includes(action)) {
      return `data rule ${destination}/${dataClass} may be ${allowed.join(' or ')}, not ${action}`;
    }
  }
  return undefined;
}

/** The defaults with configured overrides applied; throws when an override lowers the floor. */
export function resolveDataRules(overrides: DataRuleOverrides = {}): DataRules {
  const problem = floorViolation(overrides);
  if (problem !== undefined) throw new RangeError(problem);
  const rules = structuredClone(DEFAULT_DATA_RULES);
  for (const destination of Object.keys(rules) as DestinationClass[]) {
    Object.assign(rules[destination], overrides[destination] ?? {});
  }
  return rules;
}

/** The strictest of several actions: block > needs-approval > redact > allow. */
export function strictest(actions: Iterable<DataAction>): DataAction {
  const order: DataAction[] = ['allow', 'redact', 'needs-approval', 'block'];
  let worst: DataAction = 'allow';
  for (const action of actions) if (order.indexOf(action) > order.indexOf(worst)) worst = action;
  return worst;
}
