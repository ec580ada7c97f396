// Field selectors (`fieldSelector` query parameter), parsed as fields/selector.go does:
// terms split on unescaped ",", each `field=value`, `field==value` or `field!=value`;
// values may escape "\", "," and "=" with a backslash. No trimming: "a = b" asks for field "a ".

import { Errors } from '../status';

export interface FieldRequirement {
  readonly field: string;
  /** "==" is folded into "=", as Kubernetes folds both into one `hasTerm`. */
  readonly operator: '=' | '!=';
  readonly value: string;
}

const TERM_OPERATORS = ['!=', '==', '='] as const;

/** Splits on "," that is not escaped; an escaped character is skipped whatever it is. */
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** The first operator found scanning left to right; at one position "!=" and "==" win over "=". */
function splitTerm(term: string): [string, (typeof TERM_OPERATORS)[number], string] | null {
  for (let i = 0; i < term.length; i++) {
    const rest = term.slice(i);
    for (const op of TERM_OPERATORS) if (rest.startsWith(op)) return [term.slice(0, i), op, term.slice(i + op.length)];
  }
  return null;
}

/**
 * `fields.UnescapeValue`. Go prints the offending rune with %v, i.e. as its code point:
 * an unescaped "=" is reported as "61".
 */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw Errors.badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') throw Errors.badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw Errors.badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** `fields.EscapeValue`: the inverse of unescapeFieldValue. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * Parses a `fieldSelector` string. Terms come back sorted by their raw text, as Kubernetes
 * sorts them before parsing. Empty string → `[]` (everything). Errors are 400 BadRequest.
 */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  const parts = splitTerms(selector).sort();
  const out: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw Errors.badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    const [field, op, rhs] = split;
    out.push({ field, operator: op === '!=' ? '!=' : '=', value: unescapeFieldValue(rhs) });
  }
  return out;
}

/** `Selector.String()`: "f=v,g!=w", values escaped. */
export function fieldSelectorToString(requirements: readonly FieldRequirement[]): string {
  return requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
}

/** Matches against a flat field set (see `fieldValue`). A missing field reads as "". */
export function fieldsMatch(requirements: readonly FieldRequirement[], get: (field: string) => string | undefined): boolean {
  return requirements.every((r) => {
    const actual = get(r.field) ?? '';
    return r.operator === '=' ? actual === r.value : actual !== r.value;
  });
}
