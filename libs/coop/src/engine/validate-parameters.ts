import {
  checkArray,
  checkInteger,
  checkObject,
  checkString,
  describe,
  field,
  integerField,
  objectField,
  type JsonObject,
  type ProblemList,
} from './field-checks';
import { CONTRIBUTION_RULES, EQUITY_POOL, REVERSAL, type ContributionRule } from './snapshot';
import { childPath } from './snapshot-problem';

const BPS = 10_000;

/** What event validation needs from the parameters; a map is null when its part was unusable. */
export interface ParameterFacts {
  /** Contribution type → its rule (undefined when the rule itself is invalid). */
  readonly types: ReadonlyMap<string, ContributionRule | undefined> | null;
}

/** SPEC §3 parameters: bps ranges and sums, pools, contribution types and their rules. */
export function validateParameters(snapshot: JsonObject, problems: ProblemList): ParameterFacts {
  const path = '$.parameters';
  const parameters = objectField(snapshot, 'parameters', '$', problems);
  if (!parameters) return { types: null };
  const reserveBps = integerField(parameters, 'reserveBps', path, problems, 0, BPS);
  const commonsBps = integerField(parameters, 'commonsBps', path, problems, 0, BPS);
  if (reserveBps !== undefined && commonsBps !== undefined && reserveBps + commonsBps > BPS) {
    problems.add(path, `reserveBps + commonsBps must be at most ${BPS}, got ${reserveBps + commonsBps}`);
  }
  const pools = validatePools(parameters, path, problems);
  integerField(parameters, 'cashBps', path, problems, 0, BPS);
  integerField(parameters, 'unitBudget', path, problems, 0);
  integerField(parameters, 'minMemberAgeDays', path, problems, 0);
  if (Object.hasOwn(parameters, 'federatedInstances')) {
    const hostsPath = childPath(path, 'federatedInstances');
    const hosts = checkArray(parameters.federatedInstances, hostsPath, problems);
    hosts?.forEach((host, i) => checkString(host, childPath(hostsPath, i), problems));
  }
  return { types: validateContributionTypes(parameters, path, pools, problems) };
}

/** The pool names (null if `pools` is not an object); adds a problem unless the bps sum to 10000. */
function validatePools(parameters: JsonObject, path: string, problems: ProblemList): ReadonlySet<string> | null {
  const poolsPath = childPath(path, 'pools');
  const pools = objectField(parameters, 'pools', path, problems);
  if (!pools) return null;
  let sum = 0;
  let allValid = true;
  for (const [name, bps] of Object.entries(pools)) {
    if (name === '') problems.add(childPath(poolsPath, name), 'pool names must not be empty');
    const valid = checkInteger(bps, childPath(poolsPath, name), problems, 0, BPS);
    if (valid === undefined) allValid = false;
    else sum += valid;
  }
  if (allValid && sum !== BPS) problems.add(poolsPath, `must sum to ${BPS}, got ${sum}`);
  return new Set(Object.keys(pools));
}

function validateContributionTypes(
  parameters: JsonObject,
  path: string,
  pools: ReadonlySet<string> | null,
  problems: ProblemList,
): Map<string, ContributionRule | undefined> | null {
  const typesPath = childPath(path, 'contributionTypes');
  const types = objectField(parameters, 'contributionTypes', path, problems);
  if (!types) return null;
  const rules = new Map<string, ContributionRule | undefined>();
  for (const [name, value] of Object.entries(types)) {
    const typePath = childPath(typesPath, name);
    if (name === '') problems.add(typePath, 'type names must not be empty');
    if (name === REVERSAL) problems.add(typePath, `${REVERSAL} is reserved for reversal events`);
    const definition = checkObject(value, typePath, problems);
    rules.set(name, definition ? validateContributionType(definition, typePath, pools, problems) : undefined);
  }
  return rules;
}

function validateContributionType(
  definition: JsonObject,
  path: string,
  pools: ReadonlySet<string> | null,
  problems: ProblemList,
): ContributionRule | undefined {
  const poolName = checkString(field(definition, 'pool', path, problems), childPath(path, 'pool'), problems);
  if (poolName !== undefined && pools && !pools.has(poolName)) {
    problems.add(childPath(path, 'pool'), `unknown pool ${JSON.stringify(poolName)}`);
  } else if (poolName === EQUITY_POOL) {
    problems.add(childPath(path, 'pool'), `the ${EQUITY_POOL} pool's basis is vested units, not points`);
  }
  const rule = field(definition, 'rule', path, problems);
  if (rule === undefined) return undefined;
  if (!CONTRIBUTION_RULES.includes(rule as ContributionRule)) {
    problems.add(childPath(path, 'rule'), `must be one of ${CONTRIBUTION_RULES.join(', ')}, got ${describe(rule)}`);
    return undefined;
  }
  const valid = rule as ContributionRule;
  switch (valid) {
    case 'count':
    case 'amount': {
      integerField(definition, 'points', path, problems, 0);
      const cap = field(definition, 'cap', path, problems);
      if (cap !== null) checkInteger(cap, childPath(path, 'cap'), problems, 0);
      break;
    }
    case 'budget':
      integerField(definition, 'budget', path, problems, 0);
      break;
  }
  return valid;
}
