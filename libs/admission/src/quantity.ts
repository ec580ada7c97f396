// Kubernetes resource quantities ("500m", "1Gi", "1e3", "0.5"), as k8s.io/apimachinery's
// resource.Quantity reads and prints them. No well-kept npm package does this alone (the
// official client ships a helper inside a large ESM client), so this is a small parser.

/** Kubernetes' own wording for a quantity that does not parse. */
export const QUANTITY_PATTERN_MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const SHAPE = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

export type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

interface Parsed {
  readonly value: number;
  readonly format: QuantityFormat;
}

function parse(s: string): Parsed | undefined {
  const m = SHAPE.exec(s.trim());
  if (!m || !NUMBER.test(m[1])) return undefined;
  const [, digits, suffix] = m;
  const base = Number(digits);
  if (suffix in BINARY) return { value: base * BINARY[suffix], format: 'BinarySI' };
  if (suffix in DECIMAL) return { value: scaleBy10(base, DECIMAL[suffix]), format: 'DecimalSI' };
  const exp = /^[eE]([-+]?\d+)$/.exec(suffix);
  if (exp) return { value: scaleBy10(base, Number(exp[1])), format: 'DecimalExponent' };
  return undefined;
}

// Multiplying 0.1 by 1e3 in floating point gives 100.00000000000001; going through the
// decimal string ("0.1e3") lets the runtime round once and gives 100.
function scaleBy10(base: number, exponent: number): number {
  return exponent === 0 ? base : Number(`${base}e${exponent}`);
}

export function isValidQuantity(s: unknown): boolean {
  return typeof s === 'number' ? Number.isFinite(s) : typeof s === 'string' && parse(s) !== undefined;
}

/** "500m" → 0.5, "1Gi" → 1073741824, "1e3" → 1000. Throws on anything else. Numbers pass through (YAML `cpu: 1`). */
export function parseQuantity(s: string | number): number {
  if (typeof s === 'number') return s;
  const p = parse(s);
  if (!p) throw new Error(`${JSON.stringify(s)}: ${QUANTITY_PATTERN_MESSAGE}`);
  return p.value;
}

/** Millis, rounded up as Kubernetes' MilliValue does: "100m" → 100, "1" → 1000, "0.0001" → 1. */
export function milliValue(s: string | number): number {
  return Math.ceil(Number((parseQuantity(s) * 1000).toPrecision(15)));
}

export function compareQuantities(a: string | number, b: string | number): -1 | 0 | 1 {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Canonical form, as the API server prints a quantity back: the largest suffix that keeps
 * the number whole. BinarySI: 1610612736 (1.5Gi) → "1536Mi"; values under 1024 or with a
 * fraction print as decimal. DecimalSI: 0.5 → "500m", 1500 → "1500", 2000 → "2k",
 * 0.0000001 → "100n"; fractions below a nano round up to 1n.
 */
export function formatQuantity(value: number, format: QuantityFormat = 'DecimalSI'): string {
  if (value === 0) return '0';
  if (value < 0) return `-${formatQuantity(-value, format)}`;
  if (format === 'BinarySI' && Number.isInteger(value) && value >= 1024) {
    for (const [suffix, factor] of Object.entries(BINARY).reverse()) {
      if (value % factor === 0) return `${value / factor}${suffix}`;
    }
  }
  if (Number.isInteger(value)) {
    for (const [suffix, exp] of Object.entries(DECIMAL).filter(([, e]) => e > 0).reverse()) {
      const factor = 10 ** exp;
      if (value % factor === 0) return `${value / factor}${suffix}`;
    }
    return String(value);
  }
  const nanos = Math.ceil(Number((value * 1e9).toPrecision(15)));
  if (nanos % 1e6 === 0) return `${nanos / 1e6}m`;
  if (nanos % 1e3 === 0) return `${nanos / 1e3}u`;
  return `${nanos}n`;
}

/** "0.5" → "500m", "1024Mi" → "1Gi", keeping the input's family (binary or decimal). */
export function canonicalQuantity(s: string | number): string {
  if (typeof s === 'number') return formatQuantity(s);
  const p = parse(s);
  if (!p) throw new Error(`${JSON.stringify(s)}: ${QUANTITY_PATTERN_MESSAGE}`);
  return formatQuantity(p.value, p.format);
}
