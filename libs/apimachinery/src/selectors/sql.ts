// Selectors pushed down to the Postgres projection as WHERE fragments. Values never enter
// the SQL text: each is appended to `params` and referenced as `$<index>` (1-based, so a
// fragment composes with parameters the caller pushed earlier).
//
// Index use: `labels @> '{"app":"web"}'` is served by a GIN index with either operator class
// (`jsonb_ops` or `jsonb_path_ops`); `labels ? 'app'` only by the default `jsonb_ops`.
// Negations (`!=`, `notin`, `!key`) cannot use an index whatever we write; they are kept
// correct for rows whose labels column is NULL by reading NULL as `{}`.

import { FieldRequirement } from './fields';
import { LabelRequirement, LabelRequirements } from './labels';

const IDENTIFIER = /^("[^"]+"|[A-Za-z_][A-Za-z0-9_]*)(\.("[^"]+"|[A-Za-z_][A-Za-z0-9_]*))?$/;

function checkIdentifier(column: string): string {
  if (!IDENTIFIER.test(column)) throw new Error(`not a SQL column reference: ${column}`);
  return column;
}

const push = (params: unknown[], value: unknown) => `$${params.push(value)}`;

/** One containment test: `labels @> '{"k":"v"}'`. */
const contains = (column: string, key: string, value: string, params: unknown[]) => `${column} @> ${push(params, JSON.stringify({ [key]: value }))}::jsonb`;

const anyOf = (parts: string[]) => (parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`);

function requirementToSql(r: LabelRequirement, column: string, params: unknown[]): string {
  const nullSafe = `COALESCE(${column}, '{}'::jsonb)`;
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return anyOf(r.values.map((v) => contains(column, r.key, v, params)));
    case '!=':
    case 'notin':
      return `NOT (${r.values.map((v) => contains(nullSafe, r.key, v, params)).join(' OR ')})`;
    case 'exists':
      return `${column} ? ${push(params, r.key)}`;
    case '!':
      return `NOT (${nullSafe} ? ${push(params, r.key)})`;
    case 'gt':
    case 'lt': {
      // Only integer-looking values compare; CASE keeps the ::numeric cast from ever seeing text.
      const key = push(params, r.key);
      const bound = push(params, r.values[0]);
      const cmp = r.operator === 'gt' ? '>' : '<';
      return `(CASE WHEN (${column} ->> ${key}) ~ '^[+-]?[0-9]+$' THEN (${column} ->> ${key})::numeric ${cmp} ${bound}::numeric ELSE false END)`;
    }
    default: {
      const never: never = r.operator;
      throw new Error(`unknown label operator ${String(never)}`);
    }
  }
}

/**
 * A WHERE fragment for label requirements over a jsonb column, ANDed. `[]` (everything) is
 * `TRUE`; `null` (a nil selector: nothing) is `FALSE`.
 *
 * Example: `app in (web,api),tier!=db` with `labels` and params `[]` gives
 *   `(labels @> $1::jsonb OR labels @> $2::jsonb) AND NOT (COALESCE(labels, '{}'::jsonb) @> $3::jsonb)`
 * with params `['{"app":"api"}', '{"app":"web"}', '{"tier":"db"}']` (values come sorted from the parser).
 */
export function labelRequirementsToSql(reqs: LabelRequirements, column: string, params: unknown[]): string {
  if (reqs === null) return 'FALSE';
  if (reqs.length === 0) return 'TRUE';
  const col = checkIdentifier(column);
  return reqs.map((r) => requirementToSql(r, col, params)).join(' AND ');
}

/** Projection columns that mirror selectable fields. */
export const FIELD_COLUMNS: Readonly<Record<string, string>> = {
  'metadata.name': 'name',
  'metadata.namespace': 'namespace',
  'spec.nodeName': 'node_name',
  'status.phase': 'phase',
};

export interface FieldSql {
  /** ANDed fragment for the requirements that have a column; `TRUE` when none do. */
  readonly where: string;
  /** Requirements left for in-memory matching with `fieldsMatch` + `fieldValue`. */
  readonly residual: FieldRequirement[];
}

/**
 * A WHERE fragment for field requirements that map to projection columns. A field that is
 * absent reads as "" in Kubernetes, so a NULL column is compared as ''; `=` with a non-empty
 * value is left bare so a b-tree index on the column applies.
 */
export function fieldRequirementsToSql(reqs: readonly FieldRequirement[], params: unknown[], columns: Readonly<Record<string, string>> = FIELD_COLUMNS): FieldSql {
  const parts: string[] = [];
  const residual: FieldRequirement[] = [];
  for (const r of reqs) {
    const column = Object.prototype.hasOwnProperty.call(columns, r.field) ? checkIdentifier(columns[r.field]) : undefined;
    if (!column) {
      residual.push(r);
      continue;
    }
    const lhs = r.operator === '=' && r.value !== '' ? column : `COALESCE(${column}, '')`;
    parts.push(`${lhs} ${r.operator === '=' ? '=' : '<>'} ${push(params, r.value)}`);
  }
  return { where: parts.length ? parts.join(' AND ') : 'TRUE', residual };
}
