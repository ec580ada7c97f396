// The lexer and recursive-descent parser of labels.Parse, token for token. Kubernetes'
// grammar:
//   <selector>     ::= <requirement> | <requirement> "," <selector>
//   <requirement>  ::= [!] KEY [ <set-based> | <exact-match> ]
//   <set-based>    ::= "in" | "notin" "(" VALUE { "," VALUE } ")"
//   <exact-match>  ::= ("=" | "==" | "!=" | ">" | "<") VALUE
// Whitespace separates tokens; "in"/"notin" are keywords only where an operator may stand.

import { Errors } from '../status';
import { BINARY_OPERATORS, LabelOperator, LabelRequirement, requirementError, sortByKey } from './labels';
import { invalidFieldMessage, isQualifiedName } from './validation';

type Token =
  | 'EndOfString' | 'Error' | 'Identifier' | 'ClosedPar' | 'Comma' | 'DoesNotExist' | 'DoubleEquals'
  | 'Equals' | 'GreaterThan' | 'In' | 'LessThan' | 'NotEquals' | 'NotIn' | 'OpenPar';

interface Scanned { readonly tok: Token; readonly lit: string }

const KEYWORDS: Readonly<Record<string, Token>> = {
  ')': 'ClosedPar', ',': 'Comma', '!': 'DoesNotExist', '==': 'DoubleEquals', '=': 'Equals', '>': 'GreaterThan',
  in: 'In', '<': 'LessThan', '!=': 'NotEquals', notin: 'NotIn', '(': 'OpenPar',
};
const keyword = (s: string): Token | undefined => (Object.prototype.hasOwnProperty.call(KEYWORDS, s) ? KEYWORDS[s] : undefined);

const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecialSymbol = (ch: string) => '=!(),><'.includes(ch) && ch !== '';

function lex(s: string): Scanned[] {
  const out: Scanned[] = [];
  let pos = 0;
  const read = () => (pos < s.length ? s[pos++] : ((pos++), ''));
  const unread = () => void pos--;
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    if (ch === '') {
      out.push({ tok: 'EndOfString', lit: '' });
      return out;
    }
    unread();
    if (isSpecialSymbol(ch)) {
      // Longest special-symbol run that is still a token: "!=" before "!", "==" before "=".
      let buffer = '';
      let last: Scanned | undefined;
      for (;;) {
        const c = read();
        if (c === '') break;
        if (!isSpecialSymbol(c)) { unread(); break; }
        buffer += c;
        const t = keyword(buffer);
        if (t) last = { tok: t, lit: buffer };
        else if (last) { unread(); break; }
      }
      out.push(last ?? { tok: 'Error', lit: `error expected: keyword found '${buffer}'` });
    } else {
      let buffer = '';
      for (;;) {
        const c = read();
        if (c === '') break;
        if (isSpecialSymbol(c) || isWhitespace(c)) { unread(); break; }
        buffer += c;
      }
      out.push({ tok: keyword(buffer) ?? 'Identifier', lit: buffer });
    }
  }
}

class ParseError extends Error {}

class Parser {
  private position = 0;
  constructor(private readonly items: Scanned[]) {}

  /** In a values context the keywords "in"/"notin" are just identifiers. */
  private peek(values: boolean): Scanned {
    const it = this.items[Math.min(this.position, this.items.length - 1)];
    return values && (it.tok === 'In' || it.tok === 'NotIn') ? { tok: 'Identifier', lit: it.lit } : it;
  }
  private next(values: boolean): Scanned {
    const it = this.peek(values);
    this.position++;
    return it;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.peek(true);
      if (tok === 'EndOfString') return requirements;
      if (tok !== 'Identifier' && tok !== 'DoesNotExist') throw new ParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      try {
        requirements.push(this.parseRequirement());
      } catch (e) {
        if (e instanceof ParseError) throw new ParseError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const after = this.next(true);
      if (after.tok === 'EndOfString') return requirements;
      if (after.tok !== 'Comma') throw new ParseError(`found '${after.lit}', expected: ',' or 'end of string'`);
      const t2 = this.peek(true);
      if (t2.tok !== 'Identifier' && t2.tok !== 'DoesNotExist') throw new ParseError(`found '${t2.lit}', expected: identifier after ','`);
    }
  }

  private parseRequirement(): LabelRequirement {
    let operator: LabelOperator | undefined;
    let { tok, lit } = this.next(true);
    if (tok === 'DoesNotExist') {
      operator = '!';
      ({ tok, lit } = this.next(true));
    }
    if (tok !== 'Identifier') throw new ParseError(`found '${lit}', expected: identifier`);
    const keyErrs = isQualifiedName(lit);
    if (keyErrs.length) throw new ParseError(invalidFieldMessage(null, lit, keyErrs.join('; ')));
    const key = lit;
    const la = this.peek(true).tok;
    if (la === 'EndOfString' || la === 'Comma') operator = operator ?? 'exists';
    if (operator === 'exists' || operator === '!') return this.build(key, operator, []);

    operator = this.parseOperator();
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    return this.build(key, operator, [...values].sort());
  }

  private build(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
    const err = requirementError(key, operator, values);
    if (err) throw new ParseError(err);
    return { key, operator, values };
  }

  private parseOperator(): LabelOperator {
    const { tok, lit } = this.next(false);
    const ops: Partial<Record<Token, LabelOperator>> = {
      In: 'in', Equals: '=', DoubleEquals: '==', GreaterThan: 'gt', LessThan: 'lt', NotIn: 'notin', NotEquals: '!=',
    };
    const op = ops[tok];
    if (!op) throw new ParseError(`found '${lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    return op;
  }

  private parseValues(): Set<string> {
    const open = this.next(true);
    if (open.tok !== 'OpenPar') throw new ParseError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.peek(true);
    if (tok === 'ClosedPar') {
      this.next(true);
      return new Set(['']);
    }
    if (tok !== 'Identifier' && tok !== 'Comma') throw new ParseError(`found '${lit}', expected: ',', ')' or identifier`);
    const s = this.parseIdentifiersList();
    // Kubernetes reports the literal that *opened* the list here, not the offending one.
    if (this.next(true).tok !== 'ClosedPar') throw new ParseError(`found '${lit}', expected: ')'`);
    return s;
  }

  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.next(true);
      if (tok === 'Identifier') {
        s.add(lit);
        const t2 = this.peek(true);
        if (t2.tok === 'Comma') continue;
        if (t2.tok === 'ClosedPar') return s;
        throw new ParseError(`found '${t2.lit}', expected: ',' or ')'`);
      } else if (tok === 'Comma') {
        // "(,a", "a,)" and "a,,b" each stand for an empty value.
        if (s.size === 0) s.add('');
        const t2 = this.peek(true).tok;
        if (t2 === 'ClosedPar') {
          s.add('');
          return s;
        }
        if (t2 === 'Comma') {
          this.next(true);
          s.add('');
        }
      } else {
        throw new ParseError(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const la = this.peek(true).tok;
    if (la === 'EndOfString' || la === 'Comma') return new Set(['']);
    const { tok, lit } = this.next(true);
    if (tok === 'Identifier') return new Set([lit]);
    throw new ParseError(`found '${lit}', expected: identifier`);
  }
}

/**
 * Parses a `labelSelector` string into requirements sorted by key. An empty or blank string
 * selects everything (`[]`). Throws a 400 BadRequest `StatusError` with Kubernetes' message.
 */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  try {
    return sortByKey(new Parser(lex(selector)).parse());
  } catch (e) {
    if (e instanceof ParseError) throw Errors.badRequest(e.message);
    throw e;
  }
}
